package lb.balancer.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /add} and {@code DELETE /rm}: {@code {"n": 4, "hostnames": ["S5", "S4"]}}, checked
 * strictly. {@code n} must be a JSON integer (not a string, not a fraction) from 1 to {@code maxN};
 * {@code hostnames} is optional, a list of distinct valid hostnames, no longer than {@code n}.
 *
 * @param n         how many replicas to add or remove
 * @param hostnames the names the client chose (possibly empty)
 */
public record ChangeRequest(int n, List<String> hostnames) {

    /** A valid Docker container name that is also a DNS label: 2-63 letters, digits and inner '-'. */
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,61}[A-Za-z0-9]");
    private static final Set<String> FIELDS = Set.of("n", "hostnames");
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public ChangeRequest {
        hostnames = List.copyOf(hostnames);
    }

    /**
     * Parses and checks {@code body}; {@code tooManyNames} is the SPEC's message for a list longer than {@code n}.
     *
     * @throws ApiError 400 with a message saying what is wrong
     */
    public static ChangeRequest parse(String body, int maxN, String tooManyNames) {
        JsonNode root = readObject(body);
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!FIELDS.contains(field)) {
                throw ApiError.badRequest("Unknown field '" + field + "': expected 'n' and optionally 'hostnames'");
            }
        }
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
        return new ChangeRequest(n, hostnames);
    }

    private static JsonNode readObject(String body) {
        if (body == null || body.isBlank()) {
            throw ApiError.badRequest("Request body must be a JSON object such as {\"n\": 1, \"hostnames\": [\"S1\"]}");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("Malformed JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw ApiError.badRequest("Request body must be a JSON object such as {\"n\": 1, \"hostnames\": [\"S1\"]}");
        }
        return root;
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
