package lb.balancer.routing;

import java.util.List;
import lb.balancer.replica.Replica;

/**
 * Power of two choices (Mitzenmacher): draw two distinct allowed replicas at random and take the one with fewer
 * requests in flight. Nearly as even as least connections at O(1) per pick, and two balancers (or two threads)
 * reading slightly stale counts do not all pile onto the same replica.
 *
 * <p>Thread-safe; randomness from the context's {@link RandomSource}.
 */
public final class PowerOfTwoStrategy implements RoutingStrategy {

    public static final String NAME = "power-of-two";

    private final ReplicaStats stats;
    private final RandomSource random;

    public PowerOfTwoStrategy(ReplicaStats stats, RandomSource random) {
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
        ReplicaStats.Stat[] load = stats.track(live);
        return request -> {
            long pair = candidates.twoDistinct(request.excludedIds(), random);
            if (pair < 0) {
                return candidates.none();
            }
            int a = Candidates.first(pair);
            int b = Candidates.second(pair);
            return candidates.routed[load[b].inFlight() < load[a].inFlight() ? b : a];
        };
    }
}
