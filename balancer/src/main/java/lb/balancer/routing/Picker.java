package lb.balancer.routing;

/**
 * Routes requests over one immutable membership snapshot. A new picker is built whenever membership or the strategy
 * changes and swapped in atomically, so {@code pick} never locks.
 *
 * <p>Thread-safe: called concurrently from the data path's threads; must not block or do I/O.
 */
@FunctionalInterface
public interface Picker {

    /** Chooses a replica for {@code request}, skipping the ids it excludes. */
    Pick pick(RouteRequest request);
}
