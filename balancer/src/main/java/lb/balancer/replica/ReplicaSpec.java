package lb.balancer.replica;

import java.util.Map;
import java.util.Objects;

/**
 * What a runtime needs to start a replica. A replacement of a dead replica is started from the same spec, so it
 * keeps the name, the id and therefore its place on the ring.
 *
 * @param name   hostname: container name and network alias, shown by {@code /rep}
 * @param id     ring server id, passed to the replica as {@code SERVER_ID}
 * @param region region label, passed as {@code SERVER_REGION}
 * @param env    further environment for the replica (experiment knobs such as {@code SERVER_LATENCY_MS})
 */
public record ReplicaSpec(String name, int id, String region, Map<String, String> env) {

    public ReplicaSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(region, "region");
        env = Map.copyOf(env);
    }

    public static ReplicaSpec of(String name, int id) {
        return new ReplicaSpec(name, id, "default", Map.of());
    }
}
