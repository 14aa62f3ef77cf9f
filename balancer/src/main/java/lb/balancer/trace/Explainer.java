package lb.balancer.trace;

import lb.balancer.routing.Pick;
import lb.balancer.routing.RouteRequest;

/**
 * Explains a pick after the fact, from the same state the picker saw (membership, health, loads): called only for a
 * traced request, so it may allocate and walk the ring; the picker itself stays untouched.
 */
@FunctionalInterface
public interface Explainer {

    Decision explain(RouteRequest route, Pick pick);
}
