package lb.balancer.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lb.balancer.routing.RoutingStrategy;
import lb.balancer.routing.StrategyParam;
import lb.balancer.routing.Strategies;

/**
 * The body of {@code PUT /strategy}: {@code {"name": "bounded-hash", "c": 1.5}}, checked strictly against the
 * {@link Strategies} table. {@code name} is a strategy name (any case); every other field must be one of that
 * strategy's parameters, given as a JSON number in range (a JSON integer for whole-number parameters). Parameters
 * left out take their defaults.
 *
 * @param name   the strategy's lower-case name
 * @param params the given parameters, checked, in the order given
 */
public record StrategyRequest(String name, Map<String, Number> params) {

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
        for (Iterator<Map.Entry<String, JsonNode>> fields = root.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getKey().equals("name")) {
                params.put(field.getKey(), param(name, declared, field.getKey(), field.getValue()));
            }
        }
        return new StrategyRequest(name, params);
    }

    /** What {@code GET /strategy} shows: {@code {"name": ..., <param>: <value>, ...}}. */
    public static Map<String, Object> describe(RoutingStrategy strategy) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("name", strategy.name());
        settings.putAll(strategy.params());
        return settings;
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
