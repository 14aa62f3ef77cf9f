package lb.balancer.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import lb.balancer.replica.Replica;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every strategy in {@link Strategies} keeps, run against each of them: picks only replicas of the
 * snapshot, never an excluded one, answers {@link Pick.NoReplica} (never null, never an exception) when nothing is
 * left, works for 0, 1 and 56 replicas, spreads keys within the bound each strategy promises, never reaches a
 * replica of an older snapshot, and survives its counters wrapping past {@link Integer#MAX_VALUE}.
 */
class StrategyContractTest {

    static Stream<String> strategies() {
        return Strategies.names().stream();
    }

    private static RoutingStrategy create(String name, TestTraffic sim) {
        return Strategies.create(name, Map.of(), sim.context());
    }

    /** Replicas in three regions, so region-aware meets several. */
    private static List<Replica> mixedRegions(int n) {
        return TestTraffic.replicas(n, "r").stream()
                .map(r -> new Replica(r.name(), r.id(), r.host(), r.port(), "r" + r.id() % 3)).toList();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void picksOnlyLiveReplicasThatTheRequestDoesNotExclude(String name) {
        for (int n : new int[] {1, 3, 56}) {
            TestTraffic sim = new TestTraffic(7);
            List<Replica> live = mixedRegions(n);
            Picker picker = create(name, sim).picker(live);
            Set<Replica> members = new HashSet<>(live);
            SplittableRandom random = new SplittableRandom(11);
            for (int i = 0; i < 5_000; i++) {
                long excluded = 0;
                for (Replica r : live) {
                    if (random.nextInt(10) < 3) {
                        excluded |= 1L << r.id();
                    }
                }
                RouteRequest request = new RouteRequest(random.nextLong(1_000_000), "/home", excluded, Target.NONE);
                boolean anyAllowed = live.stream().anyMatch(r -> !request.excludes(r.id()));
                // Load the replicas unevenly so the stateful strategies take their other branches too.
                Replica replica = sim.send(picker, request, r -> (1 + r.id() % 4) * TestTraffic.MS);
                if (anyAllowed) {
                    assertTrue(members.contains(replica), name + " picked " + replica + " outside the snapshot");
                    assertFalse(request.excludes(replica.id()), name + " picked excluded " + replica);
                } else {
                    assertEquals(null, replica, name + " must answer NoReplica when every replica is excluded");
                }
                sim.advanceTo(sim.now() + TestTraffic.MS / 4);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void answersNoReplicaForAnEmptySnapshot(String name) {
        Picker picker = create(name, new TestTraffic(1)).picker(List.of());

        Pick pick = picker.pick(RouteRequest.of(123_456, "/home"));

        assertEquals("No replicas available", assertInstanceOf(Pick.NoReplica.class, pick).reason());
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void routesEverythingToASingleReplicaUntilItIsExcluded(String name) {
        List<Replica> live = TestTraffic.replicas(1, "r");
        Picker picker = create(name, new TestTraffic(1)).picker(live);

        for (long key = 0; key < 100; key++) {
            assertEquals(new Pick.Routed(live.get(0)), picker.pick(RouteRequest.of(key, "/home")));
        }
        Pick retry = picker.pick(RouteRequest.of(5, "/home").excluding(1));
        assertEquals("No replica left to try", assertInstanceOf(Pick.NoReplica.class, retry).reason());
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void answersNoReplicaWhenAll56AreExcluded(String name) {
        List<Replica> live = mixedRegions(56);
        Picker picker = create(name, new TestTraffic(1)).picker(live);
        RouteRequest request = RouteRequest.of(42, "/home");
        for (Replica r : live) {
            request = request.excluding(r.id());
        }

        assertInstanceOf(Pick.NoReplica.class, picker.pick(request));
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void retriesWalkThroughEveryReplicaExactlyOnce(String name) {
        List<Replica> live = mixedRegions(56);
        Picker picker = create(name, new TestTraffic(3)).picker(live);
        RouteRequest request = RouteRequest.of(987_654, "/home");
        Set<Integer> tried = new HashSet<>();

        for (Pick pick = picker.pick(request); pick instanceof Pick.Routed(Replica r); pick = picker.pick(request)) {
            assertTrue(tried.add(r.id()), name + " offered " + r.name() + " twice");
            request = request.excluding(r.id());
        }

        assertEquals(56, tried.size());
    }

    /**
     * Bounds on max/min requests per replica over 10,000 seeded keys with no load (nothing in flight, nothing
     * measured), one region, for 5 and 56 replicas. Observed (seed 2024):
     * <ul>
     *   <li>round-robin, least-connections, epsilon-greedy (rotating tie-break): 5 → 2000/2000 (1.000);
     *       56 → 179/178 (1.006), i.e. exactly even;</li>
     *   <li>power-of-two, peak-ewma, region-aware (a random pair, all tied): 5 → 2074/1951 (1.063);
     *       56 → 214/150 (1.43), binomial noise with ~179 per replica;</li>
     *   <li>consistent-hash, bounded-hash (identical with no load): 5 → 2452/1139 (2.15); 56 → 272/151 (1.80):
     *       9 virtual nodes per server cover the 512 slots unevenly; that is the ring, not the picker.</li>
     * </ul>
     */
    private static final Map<String, double[]> SPREAD_BOUND = new HashMap<>(Map.of(
            ConsistentHashStrategy.NAME, new double[] {2.3, 2.0},
            BoundedHashStrategy.NAME, new double[] {2.3, 2.0},
            RoundRobinStrategy.NAME, new double[] {1.0, 179.0 / 178},
            LeastConnectionsStrategy.NAME, new double[] {1.0, 179.0 / 178},
            EpsilonGreedyStrategy.NAME, new double[] {1.0, 179.0 / 178},
            PowerOfTwoStrategy.NAME, new double[] {1.1, 1.6},
            PeakEwmaStrategy.NAME, new double[] {1.1, 1.6},
            RegionAwareStrategy.NAME, new double[] {1.1, 1.6}));

    @ParameterizedTest
    @MethodSource("strategies")
    void spreadsKeysWithinItsBoundWithNoLoad(String name) {
        double[] bounds = SPREAD_BOUND.get(name);
        assertTrue(bounds != null, "state the spread bound of " + name);
        int[] sizes = {5, 56};
        for (int s = 0; s < sizes.length; s++) {
            List<Replica> live = TestTraffic.replicas(sizes[s], "default");
            Picker picker = create(name, new TestTraffic(2024)).picker(live);
            Map<Replica, Integer> counts = new HashMap<>();
            SplittableRandom keys = new SplittableRandom(2024);
            for (int i = 0; i < 10_000; i++) {
                Pick pick = picker.pick(RouteRequest.of(keys.nextInt(100_000, 1_000_000), "/home"));
                counts.merge(((Pick.Routed) pick).replica(), 1, Integer::sum);
            }
            int max = counts.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
            int min = live.stream().mapToInt(r -> counts.getOrDefault(r, 0)).min().orElseThrow();
            double ratio = min == 0 ? Double.POSITIVE_INFINITY : (double) max / min;
            assertTrue(ratio <= bounds[s], name + " with " + sizes[s] + " replicas: max/min " + ratio
                    + " (max " + max + ", min " + min + ") above " + bounds[s]);
        }
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aSwitchedInStrategyDescribesItsParametersWithTheirDefaults(String name) {
        RoutingStrategy strategy = create(name, new TestTraffic(1));

        assertEquals(name, strategy.name());
        List<String> declared = Strategies.params(name).stream().map(StrategyParam::name).toList();
        assertEquals(declared, List.copyOf(strategy.params().keySet()));
        for (StrategyParam param : Strategies.params(name)) {
            assertEquals(param.defaultNumber(), strategy.params().get(param.name()));
        }
    }

    /**
     * A replacement keeps the dead replica's name and id but has a new address, so it is a different
     * {@link Replica}; a picker over the new snapshot must reach neither the replaced instance nor a removed one,
     * even with stats (in flight, latencies) still held for them from the old snapshot.
     */
    @ParameterizedTest
    @MethodSource("strategies")
    void picksOnlyTheNewSnapshotAfterAReplacementAndARemoval(String name) {
        TestTraffic sim = new TestTraffic(5);
        RoutingStrategy strategy = create(name, sim);
        List<Replica> before = mixedRegions(6);
        Picker old = strategy.picker(before);
        for (int i = 0; i < 300; i++) { // leave requests in flight and latencies measured for the old instances
            sim.send(old, RouteRequest.of(100_000 + i * 7_919L, "/home"), r -> (1 + r.id()) * TestTraffic.MS);
        }
        sim.advanceTo(sim.now() + 3 * TestTraffic.MS);
        List<Replica> after = new ArrayList<>(before.subList(0, 5)); // S6 removed
        Replica replaced = after.get(2);
        after.set(2, new Replica(replaced.name(), replaced.id(), "10.0.1.99", replaced.port(), replaced.region()));
        Picker picker = strategy.picker(after);
        Set<Replica> members = new HashSet<>(after);

        SplittableRandom keys = new SplittableRandom(17);
        for (int i = 0; i < 2_000; i++) {
            Replica replica = sim.send(picker, RouteRequest.of(keys.nextLong(1_000_000), "/home"),
                    r -> (1 + r.id()) * TestTraffic.MS);
            assertTrue(members.contains(replica), name + " picked " + replica + " from the old snapshot");
            sim.advanceTo(sim.now() + TestTraffic.MS / 4);
        }
    }

    /**
     * Ribbon's {@code Math.abs(i.incrementAndGet()) % n} went negative after 2^31 picks. Round robin masks its
     * counter instead: started at {@link Integer#MAX_VALUE}, every pick across the wrap is a live replica and the
     * rotation goes on in order. The mask maps {@code MAX_VALUE} and {@code MIN_VALUE} to slots that are not
     * consecutive, so the turn at the wrap skips at most one replica once: over a window across it, counts differ
     * by at most 2, and exactly evenly again afterwards.
     */
    @Test
    void roundRobinKeepsRotatingWhenItsCounterWrapsPastIntegerMaxValue() {
        for (int n : new int[] {3, 56}) {
            List<Replica> live = TestTraffic.replicas(n, "default");
            Picker picker = new RoundRobinStrategy(Integer.MAX_VALUE - n).picker(live);
            Map<Replica, Integer> acrossWrap = new HashMap<>();
            for (int i = 0; i < 3 * n; i++) {
                Pick pick = picker.pick(RouteRequest.of(i, "/home"));
                acrossWrap.merge(assertInstanceOf(Pick.Routed.class, pick).replica(), 1, Integer::sum);
            }
            assertEquals(n, acrossWrap.size(), "every replica picked across the wrap, n = " + n);
            int max = acrossWrap.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
            int min = acrossWrap.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
            assertTrue(max - min <= 2, "n = " + n + ": " + acrossWrap.values());

            // The window took n + 1 counter values up to MAX_VALUE and 2n - 1 from MIN_VALUE, which is slot 0.
            for (int i = 0; i < 2 * n; i++) {
                Replica expected = live.get((2 * n - 1 + i) % n);
                Pick pick = picker.pick(RouteRequest.of(i, "/home"));
                assertEquals(new Pick.Routed(expected), pick, "pick " + i + " after the wrap, n = " + n);
            }
        }
    }

    /**
     * The rotating starts of least connections and epsilon-greedy share {@link Candidates#slot}: in range for every
     * counter value, including the ones around the wrap.
     */
    @Test
    void counterSlotsStayInRangeAcrossTheWrap() {
        int[] counters = {Integer.MAX_VALUE - 1, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE + 1, -1, 0};
        for (int n : new int[] {1, 3, 56}) {
            for (int counter : counters) {
                int slot = Candidates.slot(counter, n);
                assertTrue(slot >= 0 && slot < n, "slot(" + counter + ", " + n + ") = " + slot);
            }
        }
        assertEquals(0, Candidates.slot(Integer.MIN_VALUE, 56)); // the wrap restarts the rotation at the first
        assertEquals(Integer.MAX_VALUE % 56, Candidates.slot(Integer.MAX_VALUE, 56));
    }
}
