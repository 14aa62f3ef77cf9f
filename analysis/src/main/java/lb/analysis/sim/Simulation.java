package lb.analysis.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import lb.balancer.replica.ForwardListener;
import lb.balancer.replica.Replica;
import lb.balancer.routing.Pick;
import lb.balancer.routing.Picker;
import lb.balancer.routing.ReplicaStats;
import lb.balancer.routing.RandomSource;
import lb.balancer.routing.RouteRequest;
import lb.balancer.routing.StrategyContext;
import lb.hashring.RingConfig;

/**
 * The product's simulator: a deterministic discrete-event simulation of the balancer's data path. The balancer's own
 * strategies pick over a fake clock, seeded randomness and modelled latencies (each ±10% jitter); requests stay in
 * flight until they end, in time order, and report to {@link ReplicaStats} as the front door does. No threads, no
 * sleeping, no network, so an experiment that takes minutes live runs here in milliseconds and repeats exactly for
 * a seed. Replicas serve in parallel without queueing: latency is the model's, whatever the load. Not thread-safe.
 */
public final class Simulation {

    public static final long MS = 1_000_000L;

    private long now = 1_000 * MS;
    private long order;
    private final ReplicaStats stats;
    private final RandomSource random;
    private final SplittableRandom jitter;
    private final PriorityQueue<Attempt> pending = new PriorityQueue<>();
    private long lastLatency;

    private record Attempt(long endsAt, long seq, Replica replica, long startedAt) implements Comparable<Attempt> {
        @Override
        public int compareTo(Attempt other) {
            int byTime = Long.compare(endsAt, other.endsAt);
            return byTime != 0 ? byTime : Long.compare(seq, other.seq);
        }
    }

    public Simulation(long seed) {
        this(seed, ReplicaStats.DEFAULT_DECAY);
    }

    public Simulation(long seed, Duration decay) {
        this.stats = new ReplicaStats(() -> now, decay, ReplicaStats.DEFAULT_FAILURE_PENALTY);
        this.random = RandomSource.seeded(seed);
        this.jitter = new SplittableRandom(seed ^ 0x5DEECE66DL);
    }

    public ReplicaStats stats() {
        return stats;
    }

    public StrategyContext context() {
        return new StrategyContext(RingConfig.defaults(), stats, random);
    }

    public long now() {
        return now;
    }

    /** {@code n} replicas with ids 1..n in region {@code region}. */
    public static List<Replica> replicas(int n, String region) {
        return replicas(1, n, region);
    }

    public static List<Replica> replicas(int firstId, int n, String region) {
        List<Replica> replicas = new ArrayList<>();
        for (int id = firstId; id < firstId + n; id++) {
            replicas.add(new Replica("S" + id, id, "10.0.0." + id, 5000, region));
        }
        return replicas;
    }

    /**
     * Routes one request now; when routed, it is in flight until {@code latency} (±10% jitter) has passed.
     *
     * @return the replica, or null when the picker had none
     */
    public Replica send(Picker picker, RouteRequest request, ToLongFunction<Replica> latency) {
        Pick pick = picker.pick(request);
        if (!(pick instanceof Pick.Routed(Replica replica))) {
            return null;
        }
        stats.started(replica);
        long nanos = Math.round(latency.applyAsLong(replica) * (0.9 + 0.2 * jitter.nextDouble()));
        lastLatency = nanos;
        pending.add(new Attempt(now + nanos, order++, replica, now));
        return replica;
    }

    /** The response time the last routed request will take (its latency with jitter), in nanoseconds. */
    public long lastLatencyNanos() {
        return lastLatency;
    }

    /** Ends, in time order, every attempt due by {@code time}; then the clock reads {@code time}. */
    public void advanceTo(long time) {
        while (!pending.isEmpty() && pending.peek().endsAt() <= time) {
            Attempt attempt = pending.poll();
            now = attempt.endsAt();
            stats.finished(attempt.replica(), attempt.endsAt() - attempt.startedAt(), ForwardListener.Outcome.RESPONDED);
        }
        now = Math.max(now, time);
    }

    /** Ends every attempt still in flight. */
    public void drain() {
        while (!pending.isEmpty()) {
            advanceTo(pending.peek().endsAt());
        }
    }

    public int inFlight() {
        return pending.size();
    }

    /** Requests in flight to each of {@code live}, index for index, as {@link ReplicaStats} counts them. */
    public int[] inFlight(List<Replica> live) {
        int[] counts = new int[live.size()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = stats.inFlight(live.get(i));
        }
        return counts;
    }

    /** What a test checks at each pick of a {@link #steady} run. */
    @FunctionalInterface
    public interface PickCheck {
        /**
         * @param picked         the replica the picker chose
         * @param inFlightBefore requests in flight to each live replica just before the pick, in {@code live} order
         */
        void check(Replica picked, int[] inFlightBefore);
    }

    /**
     * An open-loop workload: {@code requests} requests arriving one every {@code intervalNanos}, whatever the
     * replicas' speed, so slow replicas pile up requests in flight (unlike {@link #round}, where nothing finishes
     * while a round is sent). Attempts due before each arrival end first. {@code check} sees every pick; attempts
     * still in flight at the end are left pending. Returns requests per replica, in {@code live} order.
     */
    public Map<Replica, Integer> steady(Picker picker, List<Replica> live, int requests, long intervalNanos,
                                 LongSupplier keys, ToLongFunction<Replica> latency, PickCheck check) {
        Map<Replica, Integer> counts = new LinkedHashMap<>();
        live.forEach(r -> counts.put(r, 0));
        for (int i = 0; i < requests; i++) {
            advanceTo(now + intervalNanos);
            int[] before = inFlight(live);
            Replica replica = send(picker, RouteRequest.of(keys.getAsLong(), "/home"), latency);
            if (replica == null) {
                throw new AssertionError("no replica for request " + i + " with " + live.size() + " live");
            }
            check.check(replica, before);
            counts.merge(replica, 1, Integer::sum);
        }
        return counts;
    }

    /** Uniform 6-digit request ids from a generator of their own, so they do not shift the latency jitter. */
    public static LongSupplier uniformKeys(long seed) {
        SplittableRandom keys = new SplittableRandom(seed);
        return () -> keys.nextLong(100_000, 1_000_000);
    }

    /**
     * One round of {@code requests} concurrent requests sent at the same instant, then waited for: the adaptive
     * experiment of SPEC §6. Returns requests per replica, in {@code live} order.
     */
    public Map<Replica, Integer> round(Picker picker, List<Replica> live, int requests, ToLongFunction<Replica> latency) {
        Map<Replica, Integer> counts = new LinkedHashMap<>();
        live.forEach(r -> counts.put(r, 0));
        for (int i = 0; i < requests; i++) {
            Replica replica = send(picker, RouteRequest.of(100_000 + jitter.nextInt(900_000), "/home"), latency);
            counts.merge(replica, 1, Integer::sum);
        }
        drain();
        return counts;
    }
}
