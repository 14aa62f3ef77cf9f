package lb.balancer.routing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import lb.balancer.replica.Replica;

/**
 * Epsilon-greedy explore/exploit (a multi-armed bandit over response time): with probability {@code 1 − ε} the
 * allowed replica with the lowest EMA of response time, otherwise a uniformly random other one. The EMA (smoothing
 * factor α, set on the shared {@link ReplicaStats} when this strategy builds a picker) counts a failed attempt as
 * the stats' failure penalty (10 s by default), so a failing replica is only explored, never exploited.
 *
 * <p>Unmeasured replicas are explored first: an allowed replica without a sample and without a request in flight
 * is picked before anything else, one probe at a time. While every allowed replica is unmeasured and busy, the
 * least busy one is taken. The scan starts at a rotating position so ties spread evenly. Thread-safe; O(n) per
 * pick.
 */
public final class EpsilonGreedyStrategy implements RoutingStrategy {

    public static final String NAME = "epsilon-greedy";
    public static final double DEFAULT_EPSILON = 0.05;

    private final ReplicaStats stats;
    private final RandomSource random;
    private final double epsilon;
    private final double alpha;
    private final AtomicInteger seq = new AtomicInteger();

    /**
     * @param epsilon exploration probability in {@code [0, 1]}
     * @param alpha   EMA smoothing factor in {@code (0, 1]}: the weight of the newest sample
     */
    public EpsilonGreedyStrategy(ReplicaStats stats, RandomSource random, double epsilon, double alpha) {
        if (!(epsilon >= 0 && epsilon <= 1)) {
            throw new IllegalArgumentException("epsilon must be in [0, 1]: " + epsilon);
        }
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1]: " + alpha);
        }
        this.stats = stats;
        this.random = random;
        this.epsilon = epsilon;
        this.alpha = alpha;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Number> params() {
        Map<String, Number> params = new LinkedHashMap<>();
        params.put("epsilon", epsilon);
        params.put("alpha", alpha);
        return params;
    }

    @Override
    public Picker picker(List<Replica> live) {
        // Building a picker is how a strategy comes into use (ReplicaPool publishes it), so the EMA follows the
        // alpha of the strategy in use from here on.
        stats.useEmaAlpha(alpha);
        Candidates candidates = new Candidates(live);
        ReplicaStats.Stat[] stat = stats.track(live);
        int n = candidates.size();
        return request -> {
            if (n == 0) {
                return Candidates.NONE_AVAILABLE;
            }
            long excludedIds = request.excludedIds();
            int start = Candidates.slot(seq.getAndIncrement(), n);
            int allowed = 0;
            int best = -1;
            double bestEma = Double.POSITIVE_INFINITY;
            int leastBusy = -1;
            for (int step = 0; step < n; step++) {
                int i = start + step < n ? start + step : start + step - n;
                if (candidates.excluded(i, excludedIds)) {
                    continue;
                }
                allowed++;
                double ema = stat[i].ema();
                if (!Double.isNaN(ema)) {
                    if (ema < bestEma) {
                        best = i;
                        bestEma = ema;
                    }
                } else if (stat[i].inFlight() == 0) {
                    return candidates.routed[i]; // explore the unmeasured first, one probe at a time
                } else if (leastBusy < 0 || stat[i].inFlight() < stat[leastBusy].inFlight()) {
                    leastBusy = i;
                }
            }
            if (allowed == 0) {
                return Candidates.NONE_LEFT;
            }
            if (best < 0) {
                return candidates.routed[leastBusy];
            }
            if (allowed > 1 && random.nextDouble() < epsilon) {
                int other = candidates.random(excludedIds | 1L << candidates.replicas[best].id(), random);
                return candidates.routed[other];
            }
            return candidates.routed[best];
        };
    }
}
