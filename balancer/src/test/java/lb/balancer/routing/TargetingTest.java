package lb.balancer.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import lb.balancer.replica.Replica;
import lb.balancer.replica.ReplicaSpec;
import lb.hashring.RingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Explicit targeting over every strategy: a pool of S1, S2 in region {@code near}, S3, S4 in {@code far} and S5 in
 * {@code moon}, where S5 is a member with no live instance (dead, being replaced).
 */
class TargetingTest {

    private static final List<Replica> LIVE = List.of(
            replica(1, "near"), replica(2, "near"), replica(3, "far"), replica(4, "far"));
    private static final List<ReplicaSpec> MEMBERS = Stream.concat(LIVE.stream(), Stream.of(replica(5, "moon")))
            .map(r -> new ReplicaSpec(r.name(), r.id(), r.region(), Map.of())).toList();

    static Stream<String> strategies() {
        return Strategies.names().stream();
    }

    private static Replica replica(int id, String region) {
        return new Replica("S" + id, id, "10.0.0." + id, 5000, region);
    }

    private static Picker picker(String strategy) {
        StrategyContext context = new StrategyContext(RingConfig.defaults(), new ReplicaStats(), RandomSource.seeded(3));
        return Targeting.over(Strategies.create(strategy, Map.of(), context), LIVE, MEMBERS);
    }

    /** Names of the replicas {@code target} got over many keys (null entries for non-routed picks). */
    private static Set<String> servedOver(Picker picker, Target target) {
        SplittableRandom keys = new SplittableRandom(5);
        return Stream.generate(() -> picker.pick(RouteRequest.of(keys.nextLong(100_000, 1_000_000), "/home", target)))
                .limit(2_000)
                .map(pick -> pick instanceof Pick.Routed(Replica r) ? r.name() : null)
                .collect(Collectors.toSet());
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void regionHeaderRestrictsEveryPickToThatRegion(String strategy) {
        Picker picker = picker(strategy);
        Set<String> near = servedOver(picker, new Target("near", null));
        Set<String> far = servedOver(picker, new Target("far", null));

        assertTrue(Set.of("S1", "S2").containsAll(near) && !near.isEmpty(), strategy + " sent near to " + near);
        assertTrue(Set.of("S3", "S4").containsAll(far) && !far.isEmpty(), strategy + " sent far to " + far);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void replicaHeaderPinsEveryPickToThatReplicaWhateverTheCase(String strategy) {
        Picker picker = picker(strategy);

        assertEquals(Set.of("S3"), servedOver(picker, new Target(null, "s3")));
        assertEquals(Set.of("S2"), servedOver(picker, new Target("near", "S2")));
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void unknownRegionsAndReplicasAreRefusedAndNameWhatExists(String strategy) {
        Picker picker = picker(strategy);

        assertEquals("Unknown region 'mars'; regions: near, far, moon", assertInstanceOf(Pick.UnknownTarget.class,
                picker.pick(RouteRequest.of(1, "/home", new Target("mars", null)))).reason());
        assertEquals("Unknown replica 'S9'; replicas: S1, S2, S3, S4, S5", assertInstanceOf(Pick.UnknownTarget.class,
                picker.pick(RouteRequest.of(1, "/home", new Target(null, "S9")))).reason());
        assertEquals("Replica 'S1' is in region 'near', not 'far'", assertInstanceOf(Pick.UnknownTarget.class,
                picker.pick(RouteRequest.of(1, "/home", new Target("far", "S1")))).reason());
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void knownTargetsWithoutALiveReplicaHaveNoReplica(String strategy) {
        Picker picker = picker(strategy);

        assertEquals("No healthy replica in region 'moon'", assertInstanceOf(Pick.NoReplica.class,
                picker.pick(RouteRequest.of(1, "/home", new Target("moon", null)))).reason());
        assertEquals("Replica 'S5' is not healthy", assertInstanceOf(Pick.NoReplica.class,
                picker.pick(RouteRequest.of(1, "/home", new Target(null, "S5")))).reason());
    }

    /** A retry never goes back to a replica that failed the request, and never leaves the region asked for. */
    @ParameterizedTest
    @MethodSource("strategies")
    void retriesStayInTheTargetAndSkipWhatFailed(String strategy) {
        Picker picker = picker(strategy);
        RouteRequest pinned = RouteRequest.of(1, "/home", new Target(null, "S3")).excluding(3);
        assertInstanceOf(Pick.NoReplica.class, picker.pick(pinned));

        RouteRequest near = RouteRequest.of(1, "/home", new Target("near", null)).excluding(1);
        for (int i = 0; i < 200; i++) {
            assertEquals("S2", ((Pick.Routed) picker.pick(near)).replica().name());
        }
        assertInstanceOf(Pick.NoReplica.class, picker.pick(near.excluding(2)));
    }

    /** Untargeted requests see exactly the strategy's own picker over every live replica. */
    @Test
    void untargetedRequestsArePickedAsWithoutTargeting() {
        StrategyContext context = new StrategyContext(RingConfig.defaults(), new ReplicaStats(), RandomSource.seeded(3));
        RoutingStrategy strategy = Strategies.create(ConsistentHashStrategy.NAME, Map.of(), context);
        Picker plain = strategy.picker(LIVE);
        Picker targeted = Targeting.over(strategy, LIVE, MEMBERS);
        for (long key = 100_000; key < 110_000; key++) {
            assertEquals(plain.pick(RouteRequest.of(key, "/home")), targeted.pick(RouteRequest.of(key, "/home")));
        }
    }

    @Test
    void headerValuesThatCannotBeNamesAreRefusedWithoutEchoingThem() {
        assertNull(Target.problem("eu-west.1_a", "Server-12"));
        assertEquals("X-LB-Region must be 1-64 letters, digits, '.', '_' or '-'", Target.problem("eu west", null));
        assertEquals("X-LB-Region must be 1-64 letters, digits, '.', '_' or '-'", Target.problem("r".repeat(65), null));
        assertTrue(Target.problem(null, "S1\"}").startsWith("X-LB-Replica must be a replica name"));
        assertTrue(Target.problem(null, "-S1").startsWith("X-LB-Replica must be a replica name"));
    }

    /**
     * Targeting builds one picker over every live replica and one per region from the same stats; the data path's
     * counts must reach all of them. (Building a region's picker used to drop the other regions' stats, so the
     * untargeted picker read counters nothing fed any more: least connections then sent to a replica that had
     * requests in flight.)
     */
    @Test
    void everyPickerSeesTheDataPathsCountsAfterThePerRegionPickersAreBuilt() {
        ReplicaStats stats = new ReplicaStats();
        StrategyContext context = new StrategyContext(RingConfig.defaults(), stats, RandomSource.seeded(3));
        Picker picker = Targeting.over(Strategies.create(LeastConnectionsStrategy.NAME, Map.of(), context), LIVE,
                MEMBERS);
        for (Replica busy : LIVE.subList(0, 3)) { // S1, S2 (near) and S3 (far) have a request in flight
            stats.started(busy);
        }

        assertEquals(new Pick.Routed(LIVE.get(3)), picker.pick(RouteRequest.of(42, "/home")));
        stats.started(LIVE.get(3));
        stats.started(LIVE.get(2));
        assertEquals(new Pick.Routed(LIVE.get(3)), picker.pick(RouteRequest.of(42, "/home", new Target("far", null))));
        stats.started(LIVE.get(0));
        assertEquals(new Pick.Routed(LIVE.get(1)), picker.pick(RouteRequest.of(42, "/home", new Target("near", null))));
    }
}
