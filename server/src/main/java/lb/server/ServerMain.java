package lb.server;

import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point: {@code SERVER_ID=7 java -jar server/target/server.jar}. Settings: see {@link ServerConfig}.
 *
 * <p>{@code SERVER_SPARE=true} starts a spare instead (see {@link ReplicaServer#spare}); it records its claim in
 * {@code SERVER_CLAIM_FILE}, default {@value #DEFAULT_CLAIM_FILE}, where the balancer looks for it.
 */
public final class ServerMain {

    private static final Logger log = LoggerFactory.getLogger(ServerMain.class);
    /**
     * With {@code -Dlb.cds.training=true} the server starts on a free port, answers one {@code /home} and one
     * {@code /heartbeat} to itself and exits: the Dockerfile runs it so under {@code -XX:ArchiveClassesAtExit} to
     * record a class-data-sharing archive, which makes every replica (and so every replacement) start faster.
     */
    static final String CDS_TRAINING = "lb.cds.training";

    static final String DEFAULT_CLAIM_FILE = "/tmp/lb-claim";

    private ServerMain() {}

    public static void main(String[] args) {
        ServerConfig config;
        try {
            config = ServerConfig.fromEnv(System.getenv());
        } catch (InvalidSettingException e) {
            log.error("cannot start: {}", e.getMessage());
            System.exit(2);
            return;
        }
        if (Boolean.getBoolean(CDS_TRAINING)) {
            train(config);
            return;
        }
        Map<String, String> env = System.getenv();
        ReplicaServer server = "true".equalsIgnoreCase(env.getOrDefault("SERVER_SPARE", "").trim())
                ? ReplicaServer.spare(config.port(), env, Path.of(env.getOrDefault("SERVER_CLAIM_FILE", DEFAULT_CLAIM_FILE)))
                : new ReplicaServer(config);
        server.start();
        // SIGTERM (docker stop, the balancer removing a replica) runs this: drain in-flight requests, then exit.
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
    }

    private static void train(ServerConfig config) {
        try (ReplicaServer server = new ReplicaServer(config.withPort(0))) {
            int port = server.start();
            for (String path : new String[] {"/home", "/heartbeat"}) {
                var connection = (java.net.HttpURLConnection) java.net.URI.create("http://127.0.0.1:" + port + path)
                        .toURL().openConnection();
                connection.getInputStream().readAllBytes();
                connection.disconnect();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("CDS training run failed", e);
        }
        log.info("CDS training run done");
    }
}
