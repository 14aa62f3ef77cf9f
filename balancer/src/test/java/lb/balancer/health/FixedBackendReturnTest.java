package lb.balancer.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import lb.balancer.config.BalancerConfig.HealthSettings;
import lb.balancer.membership.PoolEvent;
import lb.balancer.membership.ReplicaPool;
import lb.balancer.membership.Transition;
import lb.balancer.replica.Replica;
import lb.balancer.routing.ConsistentHashStrategy;
import lb.balancer.runtime.StaticRuntime;
import lb.balancer.testing.Await;
import lb.hashring.RingConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, probe 6: with the static runtime a backend that misses heartbeats is declared dead, and the pool cannot
 * replace it; it must come back when its heartbeats answer again (HAProxy's {@code rise}), not stay out for good.
 */
class FixedBackendReturnTest {

    private static final HealthSettings FAST = new HealthSettings(Duration.ofMillis(50), Duration.ofMillis(200), 2);

    private HttpServer first;
    private HttpServer second;
    private ReplicaPool pool;
    private HealthMonitor health;

    private static HttpServer backend(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.createContext("/heartbeat", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    @AfterEach
    void stop() {
        health.close();
        pool.close();
        first.stop(0);
        second.stop(0);
    }

    @Test
    void aDeadFixedBackendReturnsWhenItsHeartbeatsAnswerAgain() throws Exception {
        first = backend(0);
        second = backend(0);
        int port = first.getAddress().getPort();
        pool = new ReplicaPool(new StaticRuntime(List.of(URI.create("http://127.0.0.1:" + port),
                URI.create("http://127.0.0.1:" + second.getAddress().getPort()))),
                new ConsistentHashStrategy(RingConfig.defaults()), 56);
        pool.bootstrap(2);
        health = new HealthMonitor(pool, FAST);
        health.start();
        Replica server1 = pool.replicas().getFirst();

        first.stop(0); // the backend blips
        Await.until(() -> pool.isDown(server1), "Server1 declared dead");
        first = backend(port); // and answers again on the same address

        Await.until(() -> pool.replicas().contains(server1), "Server1 back in the ring");
        assertEquals(List.of("Server1", "Server2"), pool.names());
        List<Transition> server1Events = pool.journal().recent(50).stream()
                .filter(e -> e.replica().equals("Server1")).map(PoolEvent::transition).toList();
        assertEquals(Transition.DEAD, server1Events.get(server1Events.size() - 2));
        assertEquals(Transition.RETURNED, server1Events.getLast());
    }
}
