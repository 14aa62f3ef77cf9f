package lb.server;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A spare's claim: the settings the balancer gives a pre-started spare when it turns it into a replica (the dead
 * replica's id, region and latency knobs, and its name), as {@code SERVER_*} form fields.
 *
 * <p>The claim is also written to a file in the container, because a container's labels and environment cannot
 * change after it is created: a restarted balancer reads the file back (with {@code docker cp}, which works on
 * stopped containers too) to learn which replica a claimed spare became.
 *
 * @param settings the claimed {@code SERVER_*} values, in the order they came
 * @param config   the server settings they give, over the spare's own environment
 */
record SpareClaim(Map<String, String> settings, ServerConfig config) {

    /** The replica's name; only recorded (for the balancer), the server does not use it. */
    static final String NAME = "SERVER_NAME";
    static final Set<String> FIELDS = Stream.concat(Stream.of(NAME), ServerConfig.REPLICA_SETTINGS.stream())
            .collect(Collectors.toUnmodifiableSet());

    /**
     * Validates a claim's form fields against {@code ownEnv} (the spare's environment, which keeps its port).
     * Throws {@link InvalidSettingException} naming the first bad field.
     */
    static SpareClaim parse(Map<String, List<String>> form, Map<String, String> ownEnv) {
        Map<String, String> settings = new LinkedHashMap<>();
        form.forEach((field, values) -> {
            if (!FIELDS.contains(field)) {
                throw new InvalidSettingException(field, String.join(",", values), "no such field; claim fields are "
                        + FIELDS.stream().sorted().toList());
            }
            if (values.size() != 1) {
                throw new InvalidSettingException(field, String.join(",", values), "exactly one value");
            }
            settings.put(field, values.get(0));
        });
        if (settings.getOrDefault("SERVER_ID", "").isBlank()) {
            throw new InvalidSettingException("SERVER_ID", "", "the id the claimed replica answers with");
        }
        Map<String, String> env = new LinkedHashMap<>(ownEnv);
        env.keySet().removeIf(FIELDS::contains); // a claim replaces the spare's identity, it does not blend with it
        env.putAll(settings);
        return new SpareClaim(Collections.unmodifiableMap(settings), ServerConfig.fromEnv(env));
    }

    /** Writes the claim as one form-encoded line; atomically, so a reader never sees half a claim. */
    void writeTo(Path file) throws IOException {
        StringBuilder line = new StringBuilder();
        settings.forEach((field, value) -> line.append(line.isEmpty() ? "" : "&").append(field).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, line.append('\n'));
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
