package lb.balancer.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import lb.balancer.replica.Replica;
import lb.balancer.routing.ConsistentHashStrategy;
import lb.hashring.RingConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Overload is not death (issue 12.6): health checks may take at most a share of the pool out of the ring at once. */
class EjectionLimitTest {

    private FakeRuntime runtime;
    private ReplicaPool pool;

    @BeforeEach
    void startFour() throws PoolException {
        runtime = new FakeRuntime();
        pool = new ReplicaPool(runtime, new ConsistentHashStrategy(RingConfig.defaults()), 56, Duration.ofSeconds(5),
                Duration.ofSeconds(30), ReplicaPool.DEFAULT_ADMIN_TIMEOUT, 50);
        pool.bootstrap(4);
    }

    @AfterEach
    void close() {
        pool.close();
    }

    private long limitedEvents() {
        return pool.journal().recent(100).stream().filter(e -> e.transition() == Transition.EJECTION_LIMITED).count();
    }

    @Test
    void healthChecksTakeAtMostHalfThePoolOutAndSayWhyTheRestStays() {
        List<Replica> four = pool.replicas();

        for (int round = 0; round < 3; round++) { // heartbeats keep failing: the limit is journaled once
            four.forEach(r -> pool.markSuspect(r, "heartbeat timed out"));
        }

        assertEquals(2, pool.healthyCount(), "two of four stay in the ring");
        assertEquals(2, limitedEvents());
        runtime.setAvailable(false); // keeps the dead from being replaced during the test
        four.forEach(r -> pool.markDown(r, "2 heartbeats in a row failed"));
        assertEquals(2, pool.healthyCount(), "nor are they declared dead on heartbeats");
    }

    @Test
    void deathsTheRuntimeSeesAreNotLimited() throws Exception {
        runtime.setAvailable(false); // keeps the dead from being replaced during the test
        List<Replica> four = pool.replicas();
        pool.markSuspect(four.get(0), "heartbeat timed out");
        pool.markSuspect(four.get(1), "heartbeat timed out");

        runtime.die(four.get(2));

        assertEquals(1, pool.healthyCount());
        assertEquals(List.of(four.get(3)), pool.replicas());
    }
}
