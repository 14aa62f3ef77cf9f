package lb.balancer.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import lb.balancer.config.BalancerConfig.HealthSettings;
import lb.balancer.forward.FrontDoor;
import lb.balancer.membership.FakeRuntime;
import lb.balancer.membership.ReplicaPool;
import lb.balancer.routing.ConsistentHashStrategy;
import lb.hashring.RequestKeys;
import lb.hashring.RingConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pool, health monitor and front door together, with in-process replicas: a replica killed under load is detected,
 * replaced with the same name, and no client request fails.
 */
class SelfHealingTest {

    private static final HealthSettings FAST = new HealthSettings(Duration.ofMillis(100), Duration.ofMillis(200), 2);

    private FakeRuntime runtime;
    private ReplicaPool pool;
    private HealthMonitor health;
    private FrontDoor frontDoor;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeEach
    void start() throws Exception {
        runtime = new FakeRuntime(true);
        pool = new ReplicaPool(runtime, new ConsistentHashStrategy(RingConfig.defaults()), 56);
        pool.bootstrap(3);
        health = new HealthMonitor(pool, FAST);
        health.start();
        frontDoor = FrontDoor.builder()
                .bind("127.0.0.1", 0)
                .pickers(pool.pickers())
                .listener(health)
                .keyHasher(RequestKeys::toNumber)
                .admin(Set.of("/rep"), new InetSocketAddress("127.0.0.1", 9))
                .connectTimeout(Duration.ofMillis(500))
                .responseTimeout(Duration.ofSeconds(5))
                .build()
                .start();
    }

    @AfterEach
    void stop() {
        frontDoor.close();
        health.close();
        pool.close();
    }

    private int get(long key) {
        try {
            HttpRequest request = HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + frontDoor.port() + "/home?id=" + key))
                    .timeout(Duration.ofSeconds(10)).build();
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void killedReplicaIsReplacedAndNoRequestFails() throws Exception {
        AtomicInteger failed = new AtomicInteger();
        Set<Integer> statuses = ConcurrentHashMap.newKeySet();
        Semaphore concurrency = new Semaphore(16);
        long killedAt = 0;
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 3_000; i++) {
                if (i == 1_000) {
                    runtime.kill("Server2");
                    killedAt = System.nanoTime();
                }
                long key = 100_000 + i;
                concurrency.acquire();
                executor.submit(() -> {
                    try {
                        int status = get(key);
                        statuses.add(status);
                        if (status != 200) {
                            failed.incrementAndGet();
                        }
                    } finally {
                        concurrency.release();
                    }
                });
            }
        }
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (pool.replicas().size() < 3 && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        long healedMillis = (System.nanoTime() - killedAt) / 1_000_000;

        assertEquals(0, failed.get(), "failed requests; statuses seen: " + statuses);
        assertEquals(List.of("Server1", "Server2", "Server3"), pool.names());
        assertEquals(3, pool.replicas().size(), "replacement in the ring");
        assertTrue(healedMillis < 5_000, "healed after " + healedMillis + " ms");
        assertEquals(200, get(424242));
    }

    @Test
    void whenMostHeartbeatsFailAtOnceNoneIsReplacedAtFirst() throws Exception {
        // What a starved or cut-off balancer sees: every heartbeat fails together (here the replicas stop answering
        // without the runtime reporting a death).
        runtime.kill("Server1");
        runtime.kill("Server2");
        runtime.kill("Server3");

        Thread.sleep(1_500); // many times the 2 failures x 100 ms that would otherwise declare them dead
        assertEquals(3, runtime.starts(), "nothing replaced while most fail at once");
        assertEquals(List.of("Server1", "Server2", "Server3"), pool.names());
        assertEquals(0, pool.healthyCount(), "all suspect");
        assertEquals(3, pool.replicas().size(), "none healthy: routed to the suspects rather than answering 503");

        long end = System.nanoTime() + HealthMonitor.MAJORITY_GRACE.plusSeconds(5).toNanos();
        while (pool.healthyCount() < 3 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(3, pool.healthyCount(), "replaced once the failures outlasted the grace period");
        assertEquals(6, runtime.starts());
    }

    @Test
    void noLiveReplicaGivesAFast503() throws Exception {
        runtime.setAvailable(false); // so the dead are not replaced during the test
        for (var replica : pool.replicas()) {
            runtime.kill(replica.name());
            pool.markDown(replica, "test");
        }

        long start = System.nanoTime();
        int status = get(123456);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(503, status);
        assertTrue(millis < 1_000, "503 took " + millis + " ms");
    }
}
