package lb.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point: {@code SERVER_ID=7 java -jar server/target/server.jar}. Settings: see {@link ServerConfig}. */
public final class ServerMain {

    private static final Logger log = LoggerFactory.getLogger(ServerMain.class);

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
        ReplicaServer server = new ReplicaServer(config);
        server.start();
        // SIGTERM (docker stop, the balancer removing a replica) runs this: drain in-flight requests, then exit.
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
    }
}
