package lb.balancer.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lb.balancer.replica.ReplicaSpec;

/**
 * What every replica the balancer starts carries, whichever engine runs it (a Docker container, a Swarm service):
 * the labels that tell this pool's replicas from anything else and give their identity, and the environment that
 * gives the server its id, region, port and experiment knobs. A restarted balancer reads the spec back from them
 * ({@link #specOf}), so labels and environment are the pool's record in the engine.
 */
public final class ReplicaLabels {

    public static final String MANAGED_BY = "lb.managed-by";
    public static final String MANAGED_BY_VALUE = "lb-balancer";
    public static final String POOL = "lb.pool";
    public static final String HOSTNAME = "lb.hostname";
    public static final String SERVER_ID = "lb.server-id";
    public static final String REGION = "lb.region";
    /** The port every replica listens on inside its container. */
    public static final int REPLICA_PORT = 5000;

    private ReplicaLabels() {}

    /** The labels of pool {@code pool}'s replica {@code spec}: the pool's, then its identity. */
    public static Map<String, String> of(ReplicaSpec spec, String pool) {
        Map<String, String> labels = poolLabels(pool);
        labels.put(HOSTNAME, spec.name());
        labels.put(SERVER_ID, String.valueOf(spec.id()));
        labels.put(REGION, spec.region());
        return labels;
    }

    /** The labels every object of pool {@code pool} carries (a mutable copy, in a fixed order). */
    public static Map<String, String> poolLabels(String pool) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, MANAGED_BY_VALUE);
        labels.put(POOL, pool);
        return labels;
    }

    /** Whether {@code labels} are pool {@code pool}'s: the only objects the balancer ever changes. */
    public static boolean isPool(Map<String, String> labels, String pool) {
        return labels != null && MANAGED_BY_VALUE.equals(labels.get(MANAGED_BY)) && pool.equals(labels.get(POOL));
    }

    /** The replica's environment: its experiment knobs, then its identity and port. */
    public static List<String> env(ReplicaSpec spec) {
        List<String> env = new ArrayList<>();
        spec.env().forEach((key, value) -> env.add(key + "=" + value));
        env.add("SERVER_ID=" + spec.id());
        env.add("SERVER_REGION=" + spec.region());
        env.add("PORT=" + REPLICA_PORT);
        return env;
    }

    /**
     * The spec a replica was made from: identity from its labels, experiment knobs from its environment (only the
     * {@code SERVER_*} ones: the image's ENV, such as PATH, and what {@link #env} adds come back anyway).
     */
    public static ReplicaSpec specOf(Map<String, String> labels, List<String> env) {
        Map<String, String> knobs = new LinkedHashMap<>();
        for (String entry : env == null ? List.<String>of() : env) {
            int eq = entry.indexOf('=');
            String key = eq < 0 ? entry : entry.substring(0, eq);
            if (key.startsWith("SERVER_") && !key.equals("SERVER_ID") && !key.equals("SERVER_REGION")) {
                knobs.put(key, eq < 0 ? "" : entry.substring(eq + 1));
            }
        }
        return new ReplicaSpec(labels.get(HOSTNAME), Integer.parseInt(labels.get(SERVER_ID)),
                labels.getOrDefault(REGION, "default"), knobs);
    }
}
