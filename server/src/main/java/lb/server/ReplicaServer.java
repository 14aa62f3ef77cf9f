package lb.server;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica: {@code GET /home} answers {@code {"message": "Hello from Server: <ID>", "status": "successful"}},
 * {@code GET /heartbeat} answers 200 with an empty body. Only {@code /home} is delayed by the latency model; the
 * heartbeat stays fast so a slow replica is not mistaken for a dead one.
 *
 * <p>A <em>spare</em> ({@link #spare}) is a replica started ahead of need, with no id yet: the balancer keeps one
 * booted so that replacing a dead replica costs an HTTP call instead of a container start and a JVM boot. Until
 * {@code POST /claim} gives it an identity it answers {@code /heartbeat} (so it can be seen to be up) and 503 on
 * {@code /home}; a claim is accepted once.
 */
public final class ReplicaServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicaServer.class);
    private static final long STOP_TIMEOUT_MILLIS = 5_000;

    private final int configuredPort;
    private final Javalin app;
    /** Null while a spare is unclaimed; set once. */
    private volatile ServedIdentity identity;
    /** A spare's own environment and claim file; null for a replica started with its id. */
    private final Map<String, String> spareEnv;
    private final Path claimFile;

    /** A replica that answers as {@code config} from the start. */
    public ReplicaServer(ServerConfig config) {
        this(config.port(), new ServedIdentity(config), null, null, config.simulatesLatency());
    }

    /**
     * A spare on {@code port}: no identity until claimed. {@code ownEnv} is its environment, under the claimed
     * settings; the claim is recorded in {@code claimFile}.
     */
    public static ReplicaServer spare(int port, Map<String, String> ownEnv, Path claimFile) {
        // A claim may bring simulated latency, whose sleeps want virtual threads; a spare cannot know in advance.
        return new ReplicaServer(port, null, Map.copyOf(ownEnv), claimFile, true);
    }

    private ReplicaServer(int port, ServedIdentity identity, Map<String, String> spareEnv, Path claimFile,
            boolean virtualThreads) {
        this.configuredPort = port;
        this.identity = identity;
        this.spareEnv = spareEnv;
        this.claimFile = claimFile;
        this.app = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            // Simulated latency sleeps; virtual threads make a sleeping request cost almost nothing.
            javalin.concurrency.useVirtualThreads = virtualThreads;
            javalin.jetty.modifyServer(server -> server.setStopTimeout(STOP_TIMEOUT_MILLIS));
            javalin.routes.get("/home", this::home);
            javalin.routes.get("/heartbeat", ctx -> ctx.status(200));
            if (spareEnv != null) {
                javalin.routes.post("/claim", this::claim);
            }
        });
    }

    /** Starts listening on the configured port and returns the bound port. */
    public int start() {
        app.start(configuredPort);
        ServedIdentity served = identity;
        if (served == null) {
            log.info("spare listening on port {}, waiting to be claimed", app.port());
        } else {
            logServing(served.config(), "listening on port " + app.port());
        }
        return app.port();
    }

    public int port() {
        return app.port();
    }

    private void home(Context ctx) throws InterruptedException {
        ServedIdentity served = identity;
        if (served == null) {
            reply(ctx, 503, "<Error> this spare has not been claimed yet", "failure");
            return;
        }
        int delay = served.nextDelayMillis();
        if (delay > 0) {
            Thread.sleep(delay);
        }
        ctx.header("X-Server-Region", served.config().region());
        ctx.contentType("application/json");
        ctx.result(served.homeBody());
    }

    private void claim(Context ctx) {
        SpareClaim claim;
        try {
            claim = SpareClaim.parse(ctx.formParamMap(), spareEnv);
        } catch (InvalidSettingException e) {
            reply(ctx, 400, "<Error> " + e.getMessage(), "failure");
            return;
        }
        synchronized (this) {
            if (identity != null) {
                reply(ctx, 409, "<Error> already claimed as server " + identity.config().serverId(), "failure");
                return;
            }
            try {
                claim.writeTo(claimFile); // first: a claim the balancer could not read back after a restart is lost
            } catch (IOException e) {
                log.error("cannot record the claim in {}: {}", claimFile, e.getMessage());
                reply(ctx, 500, "<Error> cannot record the claim: " + e.getMessage(), "failure");
                return;
            }
            identity = new ServedIdentity(claim.config());
        }
        logServing(claim.config(), "claimed as " + claim.settings().getOrDefault(SpareClaim.NAME, "a replica"));
        reply(ctx, 200, "claimed as server " + claim.config().serverId(), "successful");
    }

    private static void logServing(ServerConfig config, String how) {
        log.info("server {} {} (region {}, latency {} ms, jitter {} ms, drift {} ms every {} ms)", config.serverId(),
                how, config.region(), config.latencyMillis(), config.jitterMillis(), config.driftMillis(),
                config.driftIntervalMillis());
    }

    /** The replica's JSON reply shape. Messages may quote a client's value, so they are escaped. */
    private static void reply(Context ctx, int status, String message, String outcome) {
        ctx.status(status).contentType("application/json")
                .result("{\"message\": \"" + jsonEscape(message) + "\", \"status\": \"" + outcome + "\"}");
    }

    private static String jsonEscape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Stops accepting, lets in-flight requests finish (bounded), then releases the port. */
    @Override
    public void close() {
        ServedIdentity served = identity;
        log.info("server {} shutting down", served == null ? "(unclaimed spare)" : served.config().serverId());
        app.stop();
        if (served != null) {
            served.close();
        }
    }
}
