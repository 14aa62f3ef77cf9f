package lb.analysis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import lb.balancer.Balancer;
import lb.balancer.config.BalancerConfigParser;

/**
 * A real balancer in this JVM on a free port, with the process runtime: its replicas are {@code server.jar} child
 * processes on loopback (built by the reactor before this module's tests run).
 */
final class LiveBalancer implements AutoCloseable {

    private final Balancer balancer;

    LiveBalancer(int replicas) throws Exception {
        Path jar = Path.of("..", "server", "target", "server.jar").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("build server.jar first (./mvnw package -pl server): " + jar);
        }
        balancer = Balancer.start(BalancerConfigParser.parse(Map.of(
                "LB_PORT", "0",
                "LB_RUNTIME", "process",
                "LB_SERVER_JAR", jar.toString(),
                "LB_REPLICAS", Integer.toString(replicas),
                // Five cold JVM starts at once on a shared 2-core CI machine can outlast the 8 s default bound.
                "LB_ADMIN_TIMEOUT_MS", "60000",
                // The defaults (300 ms, two misses) take a replica out of the ring when a loaded CI machine delays
                // two heartbeats, and its keys move clockwise: a1's live ids then stray from the ring the offline
                // simulator replays (a CI run sent request 260318 to Server1 instead of Server3). Deaths still
                // count at once: the process runtime reports a replica's exit without waiting for heartbeats.
                "LB_HEALTH_TIMEOUT_MS", "3000",
                "LB_HEALTH_FAILURES", "3")));
    }

    String url() {
        return "http://127.0.0.1:" + balancer.port();
    }

    @Override
    public void close() {
        balancer.close();
    }
}
