package lb.server;

import io.javalin.Javalin;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica: {@code GET /home} answers {@code {"message": "Hello from Server: <ID>", "status": "successful"}},
 * {@code GET /heartbeat} answers 200 with an empty body. Only {@code /home} is delayed by the {@link LatencyModel};
 * the heartbeat stays fast so a slow replica is not mistaken for a dead one.
 */
public final class ReplicaServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicaServer.class);
    private static final long STOP_TIMEOUT_MILLIS = 5_000;

    private final ServerConfig config;
    private final LatencyModel latency;
    private final byte[] homeBody;
    private final Javalin app;

    public ReplicaServer(ServerConfig config) {
        this.config = config;
        this.latency = new LatencyModel(config);
        // The id is validated to a JSON-safe charset, so the body is built once and needs no escaping.
        this.homeBody = ("{\"message\": \"Hello from Server: " + config.serverId() + "\", \"status\": \"successful\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        this.app = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            // Simulated latency sleeps; virtual threads make a sleeping request cost almost nothing.
            javalin.concurrency.useVirtualThreads = config.simulatesLatency();
            javalin.jetty.modifyServer(server -> server.setStopTimeout(STOP_TIMEOUT_MILLIS));
            javalin.routes.get("/home", this::home);
            javalin.routes.get("/heartbeat", ctx -> ctx.status(200));
        });
    }

    /** Starts listening on the configured port and returns the bound port. */
    public int start() {
        app.start(config.port());
        log.info("server {} listening on port {} (region {}, latency {} ms, jitter {} ms, drift {} ms every {} ms)",
                config.serverId(), app.port(), config.region(), config.latencyMillis(), config.jitterMillis(),
                config.driftMillis(), config.driftIntervalMillis());
        return app.port();
    }

    public int port() {
        return app.port();
    }

    private void home(Context ctx) throws InterruptedException {
        int delay = latency.nextDelayMillis();
        if (delay > 0) {
            Thread.sleep(delay);
        }
        ctx.header("X-Server-Region", config.region());
        ctx.contentType("application/json");
        ctx.result(homeBody);
    }

    /** Stops accepting, lets in-flight requests finish (bounded), then releases the port. */
    @Override
    public void close() {
        log.info("server {} shutting down", config.serverId());
        app.stop();
        latency.close();
    }
}
