package lb.balancer.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads an admin request body as one JSON object, strictly: duplicate keys and anything after the object are
 * refused, so a body means exactly one thing. The caller checks the fields.
 */
final class JsonBody {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonBody() {}

    /**
     * The object {@code body} holds.
     *
     * @param example a valid body, quoted in the error when {@code body} is empty or not an object
     * @throws ApiError 400 saying what is wrong
     */
    static JsonNode object(String body, String example) {
        if (body == null || body.isBlank()) {
            throw ApiError.badRequest("Request body must be a JSON object such as " + example);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("Malformed JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw ApiError.badRequest("Request body must be a JSON object such as " + example);
        }
        return root;
    }
}
