package lb.balancer.routing;

import lb.balancer.replica.Replica;

/**
 * The outcome of routing one request: a value, never {@code null} and never an exception for an ordinary outcome.
 */
public sealed interface Pick {

    /** Send the request to {@code replica}. */
    record Routed(Replica replica) implements Pick {}

    /**
     * No replica can take the request (empty pool, every candidate excluded, or the targeted region or replica has
     * none healthy); {@code reason} is for the client (a 503, or a 502 once a try failed).
     */
    record NoReplica(String reason) implements Pick {}

    /** The request names a region or replica the pool does not have (a 400); {@code reason} is for the client. */
    record UnknownTarget(String reason) implements Pick {}
}
