package lb.balancer.trace;

import java.util.List;

/**
 * Why one pick of a traced request came out as it did.
 *
 * @param strategy the routing strategy's name
 * @param target   the targeting header's word ({@code region=eu}, {@code replica=S4}), or null when none
 * @param slot     the ring slot the key lands on ({@code H(key) mod 512}); null for strategies off the ring
 * @param vnode    the slot of the first virtual node at or clockwise after {@code slot}; null off the ring
 * @param owner    the replica whose virtual node that is; null off the ring
 * @param skipped  the replicas passed over before the pick, in the order met, each with why
 * @param inputs   what the strategy decided on besides the key (in-flight counts, EMA latencies), one entry a replica
 * @param picked   the replica picked, or null when none was
 * @param refusal  why none was picked (the client's error message), or null
 */
public record Decision(String strategy, String target, Integer slot, Integer vnode, String owner, List<Skip> skipped,
        List<String> inputs, String picked, String refusal) {

    /** A replica passed over, and why: {@code suspect}, {@code down}, {@code failed on an earlier try}, ... */
    public record Skip(String replica, String reason) {}

    public Decision {
        skipped = List.copyOf(skipped);
        inputs = List.copyOf(inputs);
    }
}
