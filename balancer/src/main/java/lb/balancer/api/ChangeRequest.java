package lb.balancer.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import lb.balancer.replica.ReplicaProfile;

/**
 * The body of {@code POST /add} and {@code DELETE /rm}: {@code {"n": 4, "hostnames": ["S5", "S4"]}}, checked
 * strictly. {@code n} must be a JSON integer (not a string, not a fraction) from 1 to {@code maxN};
 * {@code hostnames} is optional, a list of distinct valid hostnames, no longer than {@code n}.
 *
 * <p>{@code POST /add} also takes the experiment profile of the new replicas, all optional:
 * {@code "region": "eu"}, {@code "latencyMs"}, {@code "jitterMs"}, {@code "driftMs"}, {@code "driftIntervalMs"}
 * (JSON integers, passed to the server as its {@code SERVER_*} knobs, SPEC §1).
 *
 * @param n         how many replicas to add or remove
 * @param hostnames the names the client chose (possibly empty)
 * @param profile   how new replicas behave ({@link ReplicaProfile#DEFAULT} for {@code /rm})
 */
public record ChangeRequest(int n, List<String> hostnames, ReplicaProfile profile) {

    /** The {@code /add} fields that set a server knob, with the knob and the largest value the server accepts. */
    private record Knob(String field, String variable, int min, int max) {}

    private static final List<Knob> KNOBS = List.of(
            new Knob("latencyMs", "SERVER_LATENCY_MS", 0, 60_000),
            new Knob("jitterMs", "SERVER_JITTER_MS", 0, 60_000),
            new Knob("driftMs", "SERVER_DRIFT_MS", 0, 60_000),
            new Knob("driftIntervalMs", "SERVER_DRIFT_INTERVAL_MS", 10, 3_600_000));

    /** A valid Docker container name that is also a DNS label: 2-63 letters, digits and inner '-'. */
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,61}[A-Za-z0-9]");
    private static final String EXAMPLE = "{\"n\": 1, \"hostnames\": [\"S1\"]}";
    private static final Set<String> FIELDS = Set.of("n", "hostnames");
    private static final Set<String> ADD_FIELDS = Set.of("n", "hostnames", "region", "latencyMs", "jitterMs",
            "driftMs", "driftIntervalMs");

    public ChangeRequest {
        hostnames = List.copyOf(hostnames);
        Objects.requireNonNull(profile, "profile");
    }

    /**
     * Parses and checks a {@code DELETE /rm} body; {@code tooManyNames} is the SPEC's message for a list longer than
     * {@code n}.
     *
     * @throws ApiError 400 with a message saying what is wrong
     */
    public static ChangeRequest parse(String body, int maxN, String tooManyNames) {
        JsonNode root = JsonBody.object(body, EXAMPLE);
        onlyFields(root, FIELDS, "'n' and optionally 'hostnames'");
        return parse(root, maxN, tooManyNames, ReplicaProfile.DEFAULT);
    }

    /**
     * Parses and checks a {@code POST /add} body, profile fields included.
     *
     * @throws ApiError 400 with a message saying what is wrong
     */
    public static ChangeRequest parseAdd(String body, int maxN, String tooManyNames) {
        JsonNode root = JsonBody.object(body, EXAMPLE);
        onlyFields(root, ADD_FIELDS, "'n' and optionally 'hostnames', 'region', "
                + String.join(", ", KNOBS.stream().map(k -> "'" + k.field() + "'").toList()));
        return parse(root, maxN, tooManyNames, profile(root));
    }

    private static void onlyFields(JsonNode root, Set<String> allowed, String expected) {
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!allowed.contains(field)) {
                throw ApiError.badRequest("Unknown field '" + field + "': expected " + expected);
            }
        }
    }

    private static ChangeRequest parse(JsonNode root, int maxN, String tooManyNames, ReplicaProfile profile) {
        int n = count(root.get("n"), maxN);
        List<String> hostnames = hostnames(root.get("hostnames"));
        if (hostnames.size() > n) {
            throw ApiError.badRequest(tooManyNames);
        }
        Set<String> seen = new HashSet<>();
        for (String name : hostnames) {
            if (!HOSTNAME.matcher(name).matches()) {
                throw ApiError.badRequest("Invalid hostname '" + name
                        + "': use 2-63 letters, digits and '-', starting and ending with a letter or digit");
            }
            if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                throw ApiError.badRequest("Duplicate hostname '" + name + "' (names are case-insensitive)");
            }
        }
        return new ChangeRequest(n, hostnames, profile);
    }

    private static ReplicaProfile profile(JsonNode root) {
        String region = "default";
        JsonNode regionNode = root.get("region");
        if (regionNode != null && !regionNode.isNull()) {
            if (!regionNode.isTextual()) {
                throw ApiError.badRequest("'region' must be a string, got " + regionNode);
            }
            region = regionNode.textValue();
        }
        Map<String, String> knobs = new LinkedHashMap<>();
        for (Knob knob : KNOBS) {
            JsonNode node = root.get(knob.field());
            if (node == null || node.isNull()) {
                continue;
            }
            if (!node.isIntegralNumber() || !node.canConvertToInt()
                    || node.intValue() < knob.min() || node.intValue() > knob.max()) {
                throw ApiError.badRequest("'" + knob.field() + "' must be a JSON integer from " + knob.min() + " to "
                        + knob.max() + ", got " + node);
            }
            knobs.put(knob.variable(), Integer.toString(node.intValue()));
        }
        try {
            return new ReplicaProfile(region, knobs);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("'region' " + e.getMessage().substring("region ".length()));
        }
    }

    private static int count(JsonNode node, int maxN) {
        if (node == null || node.isNull()) {
            throw ApiError.badRequest("'n' is required: the number of instances");
        }
        // isIntegralNumber is false for 4.0 and "4": n must be written as a JSON integer.
        if (!node.isIntegralNumber()) {
            throw ApiError.badRequest("'n' must be a JSON integer, got " + node);
        }
        java.math.BigInteger value = node.bigIntegerValue();
        if (value.signum() < 1) {
            throw ApiError.badRequest("'n' must be at least 1, got " + node);
        }
        if (value.compareTo(java.math.BigInteger.valueOf(maxN)) > 0) {
            throw ApiError.badRequest("'n' must be at most " + maxN + ", got " + node);
        }
        return value.intValueExact();
    }

    private static List<String> hostnames(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw ApiError.badRequest("'hostnames' must be a list of strings");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw ApiError.badRequest("'hostnames' must be a list of strings, got " + item);
            }
            names.add(item.textValue());
        }
        return names;
    }
}
