package lb.balancer.runtime;

import java.util.List;
import lb.balancer.replica.Replica;
import lb.balancer.replica.ReplicaSpec;

/**
 * What a runtime already had when the balancer started: replicas still running (adopted as they are) and replicas
 * of this pool that died meanwhile (their containers are removed; the pool starts them again with the same spec).
 * Both lists are ordered by server id, which is the order replicas were added.
 */
public record Adoption(List<Running> running, List<ReplicaSpec> dead) {

    /** A replica found running, with the spec it was started from (so a later replacement keeps its settings). */
    public record Running(ReplicaSpec spec, Replica replica) {}

    public Adoption {
        running = List.copyOf(running);
        dead = List.copyOf(dead);
    }

    /** Replicas with no settings beyond their identity (fixed backends). */
    public static Adoption of(List<Replica> replicas) {
        return new Adoption(replicas.stream()
                .map(r -> new Running(new ReplicaSpec(r.name(), r.id(), r.region(), java.util.Map.of()), r))
                .toList(), List.of());
    }
}
