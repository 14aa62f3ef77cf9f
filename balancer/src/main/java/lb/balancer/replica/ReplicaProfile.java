package lb.balancer.replica;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How new replicas should behave in an experiment: the region they claim and the latency they simulate (the
 * server's {@code SERVER_*} knobs, SPEC §1). Given to {@code POST /add}; a replacement of a dead replica keeps its
 * profile because it is part of the replica's {@link ReplicaSpec}.
 *
 * @param region region label ({@code SERVER_REGION}); {@code default} when none is given
 * @param knobs  further server settings by environment variable name, e.g. {@code SERVER_LATENCY_MS=20}
 */
public record ReplicaProfile(String region, Map<String, String> knobs) {

    /** The same charset the server accepts for {@code SERVER_REGION}: it ends up in JSON, headers and logs. */
    private static final Pattern REGION = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** No region, no simulated latency. */
    public static final ReplicaProfile DEFAULT = new ReplicaProfile("default", Map.of());

    public ReplicaProfile {
        Objects.requireNonNull(region, "region");
        if (!REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("region must be 1-64 letters, digits, '.', '_' or '-': '" + region + "'");
        }
        knobs = Map.copyOf(new LinkedHashMap<>(knobs));
    }

    public ReplicaSpec spec(String name, int id) {
        return new ReplicaSpec(name, id, region, knobs);
    }
}
