package lb.balancer.routing;

import java.util.List;
import lb.balancer.replica.Replica;

/**
 * Latency-aware routing, Finagle/Linkerd style: power of two choices on the cost
 * {@code peakEWMA(response time) × (in flight + 1)}. The peak EWMA ({@link ReplicaStats}) jumps to a slower
 * sample at once and decays with a time constant (10 s by default), so a replica that slows down loses traffic on
 * the next pick, while one that speeds up wins it back over about one time constant; the in-flight factor keeps a
 * fast replica from being flooded.
 *
 * <p>An unmeasured replica costs 0 while it has nothing in flight, so a new replica is tried at once; while its
 * first requests are out it costs a large penalty per request, so it gets one probe at a time until it answers
 * (Finagle's rule). Thread-safe; O(1) per pick (two draws, two exponentials).
 */
public final class PeakEwmaStrategy implements RoutingStrategy {

    public static final String NAME = "peak-ewma";

    /** Cost of each in-flight request to a replica that has not answered yet: above any real latency. */
    static final double UNMEASURED_PENALTY = 1e15; // ~11.6 days in nanoseconds

    private final ReplicaStats stats;
    private final RandomSource random;

    public PeakEwmaStrategy(ReplicaStats stats, RandomSource random) {
        this.stats = stats;
        this.random = random;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Picker picker(List<Replica> live) {
        Candidates candidates = new Candidates(live);
        ReplicaStats.Stat[] stat = stats.track(live);
        double decay = stats.decayNanos();
        return request -> {
            long pair = candidates.twoDistinct(request.excludedIds(), random);
            if (pair < 0) {
                return candidates.none();
            }
            int a = Candidates.first(pair);
            int b = Candidates.second(pair);
            if (a == b) {
                return candidates.routed[a];
            }
            long now = stats.nanoTime();
            return candidates.routed[cost(stat[b], now, decay) < cost(stat[a], now, decay) ? b : a];
        };
    }

    static double cost(ReplicaStats.Stat stat, long now, double decay) {
        int inFlight = stat.inFlight();
        double latency = stat.peakAt(now, decay);
        if (Double.isNaN(latency)) {
            return UNMEASURED_PENALTY * inFlight;
        }
        return latency * (inFlight + 1);
    }
}
