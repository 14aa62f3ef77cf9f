package lb.balancer.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import lb.balancer.replica.Replica;
import lb.balancer.replica.ReplicaSpec;
import lb.balancer.routing.ConsistentHashStrategy;
import lb.balancer.testing.Await;
import lb.hashring.RingConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReplicaPoolHealingTest {

    private FakeRuntime runtime;
    private ReplicaPool pool;

    @BeforeEach
    void startThree() throws PoolException {
        runtime = new FakeRuntime();
        pool = new ReplicaPool(runtime, new ConsistentHashStrategy(RingConfig.defaults()), 56,
                Duration.ofMillis(200), Duration.ofSeconds(2));
        pool.bootstrap(3);
    }

    @AfterEach
    void close() {
        pool.close();
    }

    private Replica replica(String name) {
        return pool.watched().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void suspectLeavesTheRingAndComesBackWhenCleared() {
        Replica server2 = replica("Server2");

        pool.markSuspect(server2, "test");
        assertEquals(List.of("Server1", "Server3"), pool.replicas().stream().map(Replica::name).toList());
        assertEquals(List.of("Server1", "Server2", "Server3"), pool.names(), "/rep still lists it");

        pool.clearSuspect(server2);
        assertEquals(List.of("Server1", "Server2", "Server3"), pool.replicas().stream().map(Replica::name).toList());
    }

    @Test
    void deadReplicaIsReplacedWithTheSameNameIdAndPlace() throws Exception {
        Replica dead = replica("Server2");
        runtime.kill("Server2");

        pool.markDown(dead, "test");

        Await.until(() -> pool.replicas().size() == 3, "replacement");
        Replica fresh = replica("Server2");
        assertEquals(2, fresh.id());
        assertEquals(List.of("Server1", "Server2", "Server3"), pool.names());
        assertEquals(Set.of("Server1", "Server2", "Server3"), runtime.running());
        assertEquals(4, runtime.starts(), "exactly one replacement");
    }

    @Test
    void aDeathTheRuntimeReportsIsReplacedWithoutWaitingForHeartbeats() throws Exception {
        Replica dead = replica("Server2");

        runtime.die(dead);

        // The dead instance leaves the ring at once (its replacement, a new instance, may already be in it).
        assertTrue(!pool.replicas().contains(dead), "out of the ring at once");
        Await.until(() -> pool.replicas().size() == 3, "replacement");
        assertEquals(2, replica("Server2").id());
        assertEquals(4, runtime.starts(), "exactly one replacement");
    }

    @Test
    void whenNoneIsHealthyTheSuspectsStillTakeTrafficButNotTheDead() throws PoolException {
        pool.close();
        runtime = new FakeRuntime();
        pool = new ReplicaPool(runtime, new ConsistentHashStrategy(RingConfig.defaults()), 56, Duration.ofMillis(200),
                Duration.ofSeconds(2), ReplicaPool.DEFAULT_ADMIN_TIMEOUT, 100); // no ejection limit
        pool.bootstrap(3);
        Replica server1 = replica("Server1");
        Replica server2 = replica("Server2");
        Replica server3 = replica("Server3");
        runtime.setAvailable(false); // keeps the dead one from being replaced during the test
        pool.markDown(server1, "test");
        pool.markSuspect(server2, "test");
        pool.markSuspect(server3, "test");

        assertEquals(0, pool.healthyCount());
        assertEquals(List.of("Server2", "Server3"), pool.replicas().stream().map(Replica::name).toList(),
                "a suspicion may be wrong: better than a certain 503");

        pool.clearSuspect(server3);
        assertEquals(List.of("Server3"), pool.replicas().stream().map(Replica::name).toList(),
                "once one is healthy, only the healthy take traffic");
    }

    @Test
    void repeatedDeathReportsStartOneReplacement() throws Exception {
        Replica dead = replica("Server1");
        runtime.kill("Server1");

        for (int i = 0; i < 20; i++) {
            pool.markDown(dead, "test");
            pool.markSuspect(dead, "test");
        }

        Await.until(() -> pool.replicas().size() == 3, "replacement");
        Thread.sleep(100);
        assertEquals(4, runtime.starts());
    }

    @Test
    void whileTheRuntimeIsUnreachableTheDeadStayListedAndAreReplacedWhenItIsBack() throws Exception {
        runtime.setAvailable(false);
        Replica dead = replica("Server2");
        runtime.kill("Server2");
        pool.markDown(dead, "test");

        Thread.sleep(500); // a few replacement attempts fail meanwhile
        assertEquals(List.of("Server1", "Server2", "Server3"), pool.names(), "nothing removed from /rep");
        assertEquals(List.of("Server1", "Server3"), pool.replicas().stream().map(Replica::name).toList(),
                "the live ones keep serving");

        runtime.setAvailable(true);
        Await.until(() -> pool.replicas().size() == 3, "replacement once the runtime answers again");
        assertEquals(Set.of("Server1", "Server2", "Server3"), runtime.running());
    }

    @Test
    void crashLoopBacksOff() throws Exception {
        runtime.failStartsOf("Server3");
        Replica dead = replica("Server3");
        runtime.kill("Server3");
        pool.markDown(dead, "test");

        Thread.sleep(1_000);
        // Tries at 0, 200, 600 ms (base 200 ms, doubling) and the next at 1400 ms: 3 attempts in the first second,
        // not one per heartbeat.
        int attempts = runtime.starts() - 3;
        assertTrue(attempts >= 2 && attempts <= 4, "attempts in 1 s: " + attempts);

        runtime.healStartsOf("Server3");
        Await.until(() -> pool.replicas().size() == 3, "replacement after the start problem is fixed");
    }

    @Test
    void removedReplicaIsNeverBroughtBack() throws Exception {
        runtime.failStartsOf("Server2");
        Replica dead = replica("Server2");
        runtime.kill("Server2");
        pool.markDown(dead, "test");

        List<String> names = pool.remove(1, List.of("Server2"));
        runtime.healStartsOf("Server2");
        Thread.sleep(2_500); // past the largest backoff in this test

        assertEquals(List.of("Server1", "Server3"), names);
        assertEquals(List.of("Server1", "Server3"), pool.names());
        assertEquals(Set.of("Server1", "Server3"), runtime.running());
    }

    @Test
    void addDuringAReplacementLeavesListAndRuntimeInAgreement() throws Exception {
        Replica dead = replica("Server1");
        runtime.kill("Server1");
        pool.markDown(dead, "test");

        pool.add(2, List.of("S8"));

        Await.until(() -> pool.replicas().size() == 5, "replacement");
        assertEquals(Set.copyOf(pool.names()), runtime.running());
    }

    @Test
    void replicasThatDiedWhileAwayAreStartedAgainOnAdoption() throws Exception {
        FakeRuntime restarted = new FakeRuntime();
        restarted.offerForAdoption(new Replica("Server1", 1, "10.0.0.2", 5000, "default"));
        restarted.offerDeadForAdoption(ReplicaSpec.of("Server2", 2));
        restarted.offerForAdoption(new Replica("Server3", 3, "10.0.0.4", 5000, "default"));
        try (ReplicaPool adopted = new ReplicaPool(restarted, new ConsistentHashStrategy(RingConfig.defaults()), 56)) {
            adopted.bootstrap(3);

            Await.until(() -> adopted.replicas().size() == 3, "restart of Server2");
            assertEquals(List.of("Server1", "Server2", "Server3"), adopted.names());
            assertEquals(1, restarted.starts(), "only the dead one is started");
            assertNotEquals(null, adopted.replicas().get(1));
            assertEquals(2, adopted.replicas().get(1).id());
        }
    }
}
