package lb.balancer.routing;

import java.util.List;

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
}
