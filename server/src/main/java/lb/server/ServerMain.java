package lb.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point: {@code SERVER_ID=7 java -jar server/target/server.jar}. Settings: see {@link ServerConfig}. */
public final class ServerMain {

    private static final Logger log = LoggerFactory.getLogger(ServerMain.class);
    /**
     * With {@code -Dlb.cds.training=true} the server starts on a free port, answers one {@code /home} and one
     * {@code /heartbeat} to itself and exits: the Dockerfile runs it so under {@code -XX:ArchiveClassesAtExit} to
     * record a class-data-sharing archive, which makes every replica (and so every replacement) start faster.
     */
    static final String CDS_TRAINING = "lb.cds.training";

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
        ReplicaServer server = new ReplicaServer(config);
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
