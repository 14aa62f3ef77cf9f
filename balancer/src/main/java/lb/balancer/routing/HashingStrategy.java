package lb.balancer.routing;

import lb.hashring.RingConfig;

/**
 * A strategy that places requests on the consistent hash ring, so its ring settings (above all the hash preset) are
 * part of what it was built with: {@code PUT /strategy} may choose the preset ({@code "hash": "assignment"}) and
 * {@code GET /strategy} shows it.
 */
public interface HashingStrategy extends RoutingStrategy {

    /** The ring's slots, virtual nodes and hash preset this strategy routes with. */
    RingConfig ring();
}
