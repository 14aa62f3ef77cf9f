package lb.balancer.routing;

import java.util.List;
import java.util.Map;
import lb.balancer.replica.Replica;

/**
 * A routing policy: turns one membership snapshot into a {@link Picker}. Strategies pick; they never health-check,
 * spawn or hold references back to the balancer.
 *
 * <p>Thread-safe; {@link #picker} is called whenever membership changes, off the request path.
 */
public interface RoutingStrategy {

    /** The lower-case name the strategy is selected by ({@code LB_STRATEGY}). */
    String name();

    /** A picker over exactly {@code live} (in the order replicas were added); an empty list is allowed. */
    Picker picker(List<Replica> live);

    /**
     * The tunable settings this strategy was built with, by parameter name in a stable order (e.g. {@code c} for
     * bounded-hash), as {@code GET /strategy} shows them; empty when it has none.
     */
    default Map<String, Number> params() {
        return Map.of();
    }
}
