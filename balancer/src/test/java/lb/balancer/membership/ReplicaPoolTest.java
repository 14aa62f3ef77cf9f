package lb.balancer.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import lb.balancer.membership.PoolException.Reason;
import lb.balancer.replica.Replica;
import lb.balancer.routing.ConsistentHashStrategy;
import lb.balancer.routing.Pick;
import lb.balancer.routing.RouteRequest;
import lb.balancer.routing.Target;
import lb.hashring.RingConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReplicaPoolTest {

    private FakeRuntime runtime;
    private ReplicaPool pool;

    @BeforeEach
    void startThree() throws PoolException {
        runtime = new FakeRuntime();
        pool = new ReplicaPool(runtime, new ConsistentHashStrategy(RingConfig.defaults()), 56);
        pool.bootstrap(3);
    }

    @Test
    void bootstrapStartsServer1To3WithIds1To3() {
        assertEquals(List.of("Server1", "Server2", "Server3"), pool.names());
        assertEquals(List.of(1, 2, 3), pool.replicas().stream().map(Replica::id).toList());
        assertEquals(Set.of("Server1", "Server2", "Server3"), runtime.running());
    }

    @Test
    void bootstrapAdoptsRunningReplicasInsteadOfStartingNewOnes() throws PoolException {
        FakeRuntime restarted = new FakeRuntime();
        restarted.offerForAdoption(new Replica("Server1", 1, "10.0.0.2", 5000, "default"));
        restarted.offerForAdoption(new Replica("S7", 4, "10.0.0.3", 5000, "default"));
        ReplicaPool adopted = new ReplicaPool(restarted, new ConsistentHashStrategy(RingConfig.defaults()), 56);

        adopted.bootstrap(3);

        assertEquals(List.of("Server1", "S7"), adopted.names(), "the pool as it was, not filled up to 3");
        assertEquals(List.of(1, 4), adopted.replicas().stream().map(Replica::id).toList());
        assertEquals(0, restarted.starts(), "no new replica");
    }

    @Test
    void publishesPickersThatHonourTargets() {
        Pick pinned = pool.pickers().get().pick(RouteRequest.of(1, "/home", new Target(null, "Server2")));
        assertEquals("Server2", assertInstanceOf(Pick.Routed.class, pinned).replica().name());
        assertInstanceOf(Pick.UnknownTarget.class,
                pool.pickers().get().pick(RouteRequest.of(1, "/home", new Target("elsewhere", null))));
    }

    @Test
    void addKeepsOrderAndGeneratesTheMissingNames() throws PoolException {
        List<String> names = pool.add(4, List.of("S5", "S4"));

        assertEquals(List.of("Server1", "Server2", "Server3", "S5", "S4", "Server6", "Server7"), names);
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), pool.replicas().stream().map(Replica::id).toList());
        assertEquals(Set.copyOf(names), runtime.running());
    }

    @Test
    void addRefusesANameInUseIgnoringCaseAndChangesNothing() {
        PoolException e = assertThrows(PoolException.class, () -> pool.add(2, List.of("S9", "server2")));

        assertEquals(Reason.CONFLICT, e.reason());
        assertEquals(List.of("Server1", "Server2", "Server3"), pool.names());
        assertEquals(Set.of("Server1", "Server2", "Server3"), runtime.running());
    }

    @Test
    void addPastCapacityIsRefused() {
        PoolException e = assertThrows(PoolException.class, () -> pool.add(54, List.of()));

        assertEquals(Reason.INVALID, e.reason());
        assertTrue(e.getMessage().contains("at most 56"), e.getMessage());
        assertEquals(3, pool.names().size());
    }

    @Test
    void failedStartLeavesNoHalfMadeReplica() {
        runtime.failStartsOf("S6");

        PoolException e = assertThrows(PoolException.class, () -> pool.add(3, List.of("S5", "S6")));

        assertEquals(Reason.START_FAILED, e.reason());
        assertTrue(e.getMessage().contains("S6 failed to start: exit code 1"), e.getMessage());
        assertEquals(List.of("Server1", "Server2", "Server3"), pool.names());
        assertEquals(Set.of("Server1", "Server2", "Server3"), runtime.running(), "S5 and the generated one stopped");
    }

    @Test
    void unreachableRuntimeRefusesChangesWith503ReasonButKeepsRouting() {
        runtime.setAvailable(false);

        assertEquals(Reason.UNAVAILABLE, assertThrows(PoolException.class, () -> pool.add(1, List.of())).reason());
        assertEquals(Reason.UNAVAILABLE, assertThrows(PoolException.class, () -> pool.remove(1, List.of())).reason());
        assertEquals(3, pool.names().size());
        assertInstanceOf(Pick.Routed.class, pool.pickers().get().pick(RouteRequest.of(123456, "/home")));
    }

    @Test
    void removeTakesTheNamedThenTheMostRecentlyAdded() throws PoolException {
        pool.add(4, List.of("S5", "S4", "S10", "S11"));

        List<String> names = pool.remove(3, List.of("S5", "S4"));

        assertEquals(List.of("Server1", "Server2", "Server3", "S10"), names);
        assertEquals(Set.copyOf(names), runtime.running());
    }

    @Test
    void removeRefusesUnknownNamesAndTooMany() {
        assertEquals(Reason.INVALID, assertThrows(PoolException.class, () -> pool.remove(1, List.of("S9"))).reason());
        assertEquals(Reason.INVALID, assertThrows(PoolException.class, () -> pool.remove(4, List.of())).reason());
        assertEquals(3, pool.names().size());
    }

    @Test
    void removedReplicasLeaveThePickerAtOnce() throws PoolException {
        pool.remove(2, List.of("Server1", "Server3"));

        for (long key = 100_000; key < 101_000; key++) {
            Pick pick = pool.pickers().get().pick(RouteRequest.of(key, "/home"));
            assertEquals("Server2", ((Pick.Routed) pick).replica().name());
        }
    }

    @Test
    void emptyPoolPicksNoReplica() throws PoolException {
        pool.remove(3, List.of());

        assertInstanceOf(Pick.NoReplica.class, pool.pickers().get().pick(RouteRequest.of(1, "/home")));
    }

    @Test
    void concurrentAddsAndRemovesLeaveListAndRuntimeInAgreement() throws Exception {
        AtomicInteger expected = new AtomicInteger(3);
        try (ExecutorService executor = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 40; i++) {
                int round = i;
                executor.submit(() -> {
                    try {
                        if (round % 2 == 0) {
                            pool.add(2, List.of());
                            expected.addAndGet(2);
                        } else {
                            pool.remove(1, List.of());
                            expected.decrementAndGet();
                        }
                    } catch (PoolException refused) {
                        // a refusal is a fine outcome here; agreement is what is checked
                    }
                    return null;
                });
            }
        }
        List<String> names = pool.names();
        assertEquals(new HashSet<>(names), runtime.running());
        assertEquals(names.size(), new HashSet<>(names).size(), "no duplicate names");
        assertEquals(expected.get(), names.size());
    }
}
