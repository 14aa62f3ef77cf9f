package lb.balancer.routing;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import lb.balancer.replica.Replica;

/**
 * Least connections: the allowed replica with the fewest requests in flight (as {@link ReplicaStats} counts them).
 * The scan starts at a rotating position, so ties (an idle pool) go round robin instead of always to the first
 * replica; it stops early at an idle replica. O(n) per pick.
 *
 * <p>Thread-safe; two concurrent picks may both see the same replica as least loaded (the counts are read, not
 * reserved), which the next picks correct.
 */
public final class LeastConnectionsStrategy implements RoutingStrategy {

    public static final String NAME = "least-connections";

    private final ReplicaStats stats;
    private final AtomicInteger seq = new AtomicInteger();

    public LeastConnectionsStrategy(ReplicaStats stats) {
        this.stats = stats;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Picker picker(List<Replica> live) {
        Candidates candidates = new Candidates(live);
        ReplicaStats.Stat[] load = stats.track(live);
        int n = candidates.size();
        return request -> {
            if (n == 0) {
                return Candidates.NONE_AVAILABLE;
            }
            int start = Candidates.slot(seq.getAndIncrement(), n);
            int best = -1;
            int bestLoad = Integer.MAX_VALUE;
            for (int step = 0; step < n && bestLoad > 0; step++) {
                int i = start + step < n ? start + step : start + step - n;
                if (candidates.excluded(i, request.excludedIds())) {
                    continue;
                }
                int inFlight = load[i].inFlight();
                if (inFlight < bestLoad) {
                    best = i;
                    bestLoad = inFlight;
                }
            }
            return best < 0 ? Candidates.NONE_LEFT : candidates.routed[best];
        };
    }
}
