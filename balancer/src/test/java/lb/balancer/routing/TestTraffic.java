package lb.balancer.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.ToLongFunction;
import lb.balancer.replica.ForwardListener;
import lb.balancer.replica.Replica;
import lb.hashring.RingConfig;

/**
 * The least a strategy test needs to put replicas under load: a fake clock, seeded randomness, and requests that stay
 * in flight (counted by {@link ReplicaStats}) until their latency has passed. The product's full simulator, with
 * workloads and rounds, is {@code lb.analysis.sim.Simulation} in the analysis module, which depends on this module
 * and so cannot serve its tests.
 */
final class TestTraffic {

    static final long MS = 1_000_000L;

    private record Attempt(long endsAt, long seq, Replica replica, long startedAt) {}

    private long now = 1_000 * MS;
    private long seq;
    private final ReplicaStats stats = new ReplicaStats(() -> now, ReplicaStats.DEFAULT_DECAY,
            ReplicaStats.DEFAULT_FAILURE_PENALTY);
    private final RandomSource random;
    private final PriorityQueue<Attempt> pending = new PriorityQueue<>((a, b) -> a.endsAt() != b.endsAt()
            ? Long.compare(a.endsAt(), b.endsAt()) : Long.compare(a.seq(), b.seq()));

    TestTraffic(long seed) {
        this.random = RandomSource.seeded(seed);
    }

    StrategyContext context() {
        return new StrategyContext(RingConfig.defaults(), stats, random);
    }

    long now() {
        return now;
    }

    /** {@code n} replicas with ids 1..n in {@code region}. */
    static List<Replica> replicas(int n, String region) {
        List<Replica> replicas = new ArrayList<>();
        for (int id = 1; id <= n; id++) {
            replicas.add(new Replica("S" + id, id, "10.0.0." + id, 5000, region));
        }
        return replicas;
    }

    /** Routes one request now; it is in flight for {@code latency} nanoseconds. Null when the picker had none. */
    Replica send(Picker picker, RouteRequest request, ToLongFunction<Replica> latency) {
        if (!(picker.pick(request) instanceof Pick.Routed(Replica replica))) {
            return null;
        }
        stats.started(replica);
        pending.add(new Attempt(now + latency.applyAsLong(replica), seq++, replica, now));
        return replica;
    }

    /** Ends, in time order, every request due by {@code time}; then the clock reads {@code time}. */
    void advanceTo(long time) {
        while (!pending.isEmpty() && pending.peek().endsAt() <= time) {
            Attempt attempt = pending.poll();
            now = attempt.endsAt();
            stats.finished(attempt.replica(), now - attempt.startedAt(), ForwardListener.Outcome.RESPONDED);
        }
        now = Math.max(now, time);
    }
}
