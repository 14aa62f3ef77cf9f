package lb.balancer.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lb.balancer.routing.HashingStrategy;
import lb.balancer.routing.RoutingStrategy;
import lb.balancer.routing.StrategyParam;
import lb.balancer.routing.Strategies;
import lb.hashring.HashPresets;

/**
 * The body of {@code PUT /strategy}: {@code {"name": "bounded-hash", "c": 1.5}}, checked strictly against the
 * {@link Strategies} table. {@code name} is a strategy name (any case); {@code hash}, only for the strategies that
 * route on the ring ({@link Strategies#hashingNames()}), is a hash preset name ({@link HashPresets}) that replaces
 * {@code LB_HASH} for this strategy; every other field must be one of that strategy's parameters, given as a JSON
 * number in range (a JSON integer for whole-number parameters). Parameters left out take their defaults, and a
 * hashing strategy without {@code hash} uses {@code LB_HASH}'s preset.
 *
 * @param name   the strategy's lower-case name
 * @param hash   the hash preset's lower-case name, or null when not given
 * @param params the given parameters, checked, in the order given
 */
public record StrategyRequest(String name, String hash, Map<String, Number> params) {

    /** The field that names the hash preset of a hashing strategy. */
    static final String HASH = "hash";

    private static final String EXAMPLE = "{\"name\": \"bounded-hash\", \"c\": 1.5}";

    public StrategyRequest {
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /**
     * Parses and checks {@code body}.
     *
     * @throws ApiError 400 with a message saying what is wrong (unknown names list the valid ones)
     */
    public static StrategyRequest parse(String body) {
        JsonNode root = JsonBody.object(body, EXAMPLE);
        JsonNode nameNode = root.get("name");
        if (nameNode == null || nameNode.isNull()) {
            throw ApiError.badRequest("'name' is required: one of " + String.join(", ", Strategies.names()));
        }
        if (!nameNode.isTextual()) {
            throw ApiError.badRequest("'name' must be a string, got " + nameNode);
        }
        String name = nameNode.textValue().toLowerCase(Locale.ROOT);
        List<StrategyParam> declared;
        try {
            declared = Strategies.params(name);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        Map<String, Number> params = new LinkedHashMap<>();
        String hash = null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = root.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equals(HASH)) {
                hash = hash(name, field.getValue());
            } else if (!field.getKey().equals("name")) {
                params.put(field.getKey(), param(name, declared, field.getKey(), field.getValue()));
            }
        }
        return new StrategyRequest(name, hash, params);
    }

    /**
     * What {@code GET /strategy} shows: {@code {"name": ..., "hash": <preset>, <param>: <value>, ...}}, with
     * {@code hash} for the hashing strategies only.
     */
    public static Map<String, Object> describe(RoutingStrategy strategy) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("name", strategy.name());
        if (strategy instanceof HashingStrategy hashing) {
            settings.put(HASH, hashing.ring().preset().name());
        }
        settings.putAll(strategy.params());
        return settings;
    }

    /** The checked preset name: only for a hashing strategy, a string, a known preset (the valid ones listed). */
    private static String hash(String strategy, JsonNode value) {
        List<String> hashing = Strategies.hashingNames();
        if (!hashing.contains(strategy)) {
            throw ApiError.badRequest("'hash' applies only to " + String.join(", ", hashing) + ", not to '"
                    + strategy + "'");
        }
        if (!value.isTextual()) {
            throw ApiError.badRequest("'hash' must be a string: one of " + String.join(", ", HashPresets.names())
                    + ", got " + value);
        }
        try {
            return HashPresets.byName(value.textValue()).name();
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("Unknown hash preset '" + value.textValue() + "'; valid: "
                    + String.join(", ", HashPresets.names()));
        }
    }

    private static Number param(String strategy, List<StrategyParam> declared, String field, JsonNode value) {
        StrategyParam param = declared.stream().filter(p -> p.name().equals(field)).findFirst()
                .orElseThrow(() -> ApiError.badRequest("Unknown parameter '" + field + "' for strategy '" + strategy
                        + "'; " + (declared.isEmpty() ? "it takes no parameters"
                        : "valid: " + String.join(", ", declared.stream().map(StrategyParam::name).toList()))));
        if (!value.isNumber()) {
            throw ApiError.badRequest("'" + field + "' must be a number, got " + value);
        }
        try {
            return param.check(value.numberValue());
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }
}
