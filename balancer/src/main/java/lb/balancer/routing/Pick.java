package lb.balancer.routing;

import lb.balancer.replica.Replica;

/**
 * The outcome of routing one request: a value, never {@code null} and never an exception for an ordinary outcome.
 */
public sealed interface Pick {

    /** Send the request to {@code replica}. */
    record Routed(Replica replica) implements Pick {}

    /** No replica can take the request (empty pool, or every candidate excluded); {@code reason} is for the client. */
    record NoReplica(String reason) implements Pick {}
}
