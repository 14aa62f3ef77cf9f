package lb.balancer.routing;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import lb.balancer.replica.Replica;

/**
 * Round robin: each pick takes the next replica in membership order; a retry takes the next one not excluded.
 * Spreads exactly evenly (within one request per replica) whatever the keys.
 *
 * <p>Thread-safe. The counter belongs to the strategy, so the rotation continues across membership changes; it
 * is masked to non-negative before the modulo, so wrapping past {@link Integer#MAX_VALUE} is harmless.
 */
public final class RoundRobinStrategy implements RoutingStrategy {

    public static final String NAME = "round-robin";

    private final AtomicInteger seq;

    public RoundRobinStrategy() {
        this(0);
    }

    /** Starts the counter at {@code start} (tests start it at {@link Integer#MAX_VALUE}). */
    RoundRobinStrategy(int start) {
        this.seq = new AtomicInteger(start);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Picker picker(List<Replica> live) {
        Candidates candidates = new Candidates(live);
        int n = candidates.size();
        return request -> {
            if (n == 0) {
                return Candidates.NONE_AVAILABLE;
            }
            int start = Candidates.slot(seq.getAndIncrement(), n);
            for (int step = 0; step < n; step++) {
                int i = start + step < n ? start + step : start + step - n;
                if (!candidates.excluded(i, request.excludedIds())) {
                    return candidates.routed[i];
                }
            }
            return Candidates.NONE_LEFT;
        };
    }
}
