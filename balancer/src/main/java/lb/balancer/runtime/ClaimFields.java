package lb.balancer.runtime;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import lb.balancer.replica.ReplicaSpec;

/**
 * The fields of a spare's claim (the server's {@code POST /claim}, form-encoded): a replica spec as the server's
 * {@code SERVER_*} settings, plus {@code SERVER_NAME}. The claimed spare writes the same line to its claim file,
 * which is how a restarted balancer learns which replica a claimed spare became.
 */
final class ClaimFields {

    static final String NAME = "SERVER_NAME";
    static final String ID = "SERVER_ID";
    static final String REGION = "SERVER_REGION";

    private ClaimFields() {}

    /** {@code spec} as claim fields, form-encoded. */
    static String encode(ReplicaSpec spec) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put(ID, String.valueOf(spec.id()));
        fields.put(NAME, spec.name());
        fields.put(REGION, spec.region());
        fields.putAll(spec.env());
        StringBuilder form = new StringBuilder();
        fields.forEach((field, value) -> form.append(form.isEmpty() ? "" : "&").append(field).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return form.toString();
    }

    /** Field to value, from a form-encoded line. */
    static Map<String, String> decode(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : line.strip().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return fields;
    }

    /** The spec a claim was made from; throws {@link IllegalArgumentException} if the claim lacks a name or id. */
    static ReplicaSpec specOf(Map<String, String> claim) {
        String name = claim.get(NAME);
        String id = claim.get(ID);
        if (name == null || id == null) {
            throw new IllegalArgumentException("claim without " + NAME + " or " + ID + ": " + claim);
        }
        Map<String, String> knobs = new LinkedHashMap<>(claim);
        knobs.keySet().removeAll(java.util.List.of(NAME, ID, REGION));
        return new ReplicaSpec(name, Integer.parseInt(id), claim.getOrDefault(REGION, "default"), knobs);
    }
}
