package lb.analysis.live;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The experiment profile of replicas given to {@code POST /add}: region and the server's latency knobs (SPEC §1).
 * Immutable.
 *
 * @param region          region label
 * @param latencyMs       fixed delay of {@code /home}
 * @param jitterMs        extra uniform delay
 * @param driftMs         upper bound of a delay that random-walks
 * @param driftIntervalMs how often the drifting delay moves (0: the server's default)
 */
public record Profile(String region, int latencyMs, int jitterMs, int driftMs, int driftIntervalMs) {

    public static final Profile DEFAULT = new Profile("default", 0, 0, 0, 0);

    /** The {@code /add} body fields of this profile (defaults left out). */
    Map<String, Object> fields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("region", region);
        putPositive(fields, "latencyMs", latencyMs);
        putPositive(fields, "jitterMs", jitterMs);
        putPositive(fields, "driftMs", driftMs);
        putPositive(fields, "driftIntervalMs", driftIntervalMs);
        return fields;
    }

    private static void putPositive(Map<String, Object> fields, String name, int value) {
        if (value > 0) {
            fields.put(name, value);
        }
    }

    /** The profile a replica was started with, from its {@code /status} region and settings. */
    static Profile of(ReplicaInfo replica) {
        Map<String, String> s = replica.settings();
        return new Profile(replica.region(), knob(s, "SERVER_LATENCY_MS"), knob(s, "SERVER_JITTER_MS"),
                knob(s, "SERVER_DRIFT_MS"), knob(s, "SERVER_DRIFT_INTERVAL_MS"));
    }

    private static int knob(Map<String, String> settings, String name) {
        String value = settings.get(name);
        return value == null ? 0 : Integer.parseInt(value);
    }
}
