package lb.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import lb.balancer.replica.ForwardListener.Outcome;
import lb.balancer.replica.Replica;
import lb.balancer.routing.Pick;
import lb.balancer.routing.Picker;
import lb.balancer.routing.ReplicaStats;
import lb.balancer.routing.RouteRequest;
import lb.balancer.routing.Strategies;
import lb.balancer.routing.StrategyContext;
import lb.hashring.RingConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of one {@link Picker#pick} for every routing strategy, with 3 and 50 replicas in three regions, as the
 * data path pays it per request. Goal: under 100 ns/op.
 *
 * <p>Set-up, as production builds it ({@link StrategyContext#of}: real clock, thread-local randomness): every
 * replica has answered 20 requests at 1-50 ms, so the strategies that learn have latencies to compare, and has
 * 1-4 requests still in flight, so none is idle and least connections scans every replica (its worst case).
 * Requests (random 6-digit keys, no exclusions) are precomputed; a pick allocates nothing.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar StrategyPickBenchmark -f 1 -wi 2 -i 3 -w 1 -r 1}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StrategyPickBenchmark {

    private static final int REQUESTS = 1 << 12;
    private static final int SAMPLES_PER_REPLICA = 20;

    /** Every name in {@link Strategies#names()}; {@link #setUp} fails if one is missing (JMH needs constants). */
    @Param({"consistent-hash", "bounded-hash", "round-robin", "least-connections", "power-of-two", "peak-ewma",
            "epsilon-greedy", "region-aware"})
    String strategy;

    @Param({"3", "50"})
    int replicas;

    private Picker picker;
    private RouteRequest[] requests;
    private int index;

    @Setup
    public void setUp() throws NoSuchFieldException {
        requireEveryStrategy();
        List<Replica> live = replicas(replicas);
        ReplicaStats stats = new ReplicaStats();
        SplittableRandom random = new SplittableRandom(42);
        for (Replica replica : live) {
            for (int s = 0; s < SAMPLES_PER_REPLICA; s++) {
                stats.started(replica);
                stats.finished(replica, TimeUnit.MILLISECONDS.toNanos(random.nextInt(1, 51)), Outcome.RESPONDED);
            }
            for (int out = 0; out <= replica.id() % 4; out++) {
                stats.started(replica);
            }
        }
        picker = Strategies.create(strategy, Map.of(), StrategyContext.of(RingConfig.defaults(), stats)).picker(live);
        requests = new RouteRequest[REQUESTS];
        for (int i = 0; i < REQUESTS; i++) {
            requests[i] = RouteRequest.of(random.nextLong(100_000, 1_000_000), "/home");
        }
    }

    @Benchmark
    public Pick pick() {
        index = (index + 1) & (REQUESTS - 1);
        return picker.pick(requests[index]);
    }

    /** Ids 1..n in regions {@code r0}, {@code r1}, {@code r2}, so region-aware scores several regions. */
    private static List<Replica> replicas(int n) {
        List<Replica> live = new ArrayList<>();
        for (int id = 1; id <= n; id++) {
            live.add(new Replica("S" + id, id, "10.0.0." + id, 5000, "r" + id % 3));
        }
        return live;
    }

    /** A strategy added to the registry but not to {@link #strategy}'s list would silently go unmeasured. */
    private static void requireEveryStrategy() throws NoSuchFieldException {
        List<String> benchmarked = Arrays.asList(
                StrategyPickBenchmark.class.getDeclaredField("strategy").getAnnotation(Param.class).value());
        if (!benchmarked.containsAll(Strategies.names())) {
            throw new IllegalStateException("@Param strategy " + benchmarked + " misses some of " + Strategies.names());
        }
    }
}
