package lb.balancer.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import lb.balancer.config.BalancerConfig.DockerSettings;
import lb.balancer.config.BalancerConfig.HealthSettings;
import lb.balancer.config.BalancerConfig.RuntimeKind;
import lb.balancer.forward.Limits;
import lb.balancer.replica.Replica;
import lb.hashring.RingConfig;

/**
 * Turns {@code LB_*} environment variables into a {@link BalancerConfig}. Every value is checked here, at the edge:
 * a bad one throws {@link InvalidSettingException} naming the variable, and the balancer does not start.
 *
 * <p>Strategy and hash names are only shape-checked here; their registries reject unknown names with the list of
 * valid ones when the balancer is assembled.
 */
public final class BalancerConfigParser {

    /** Most servers that fit the ring (⌊512 / 9⌋ = 56); the hash preset does not change it. */
    public static final int MAX_REPLICAS = Replica.maxPoolSize(RingConfig.defaults());
    /** Spares are whole JVMs kept idle: a handful covers simultaneous deaths. */
    public static final int MAX_SPARES = 8;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final Pattern ADMIN_TOKEN = Pattern.compile("[\\x21-\\x7e]{16,512}");
    private static final Pattern DOCKER_REF = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}");

    private final Map<String, String> env;

    private BalancerConfigParser(Map<String, String> env) {
        this.env = env;
    }

    public static BalancerConfig parse(Map<String, String> env) {
        return new BalancerConfigParser(env).parse();
    }

    private BalancerConfig parse() {
        RuntimeKind runtime = runtime();
        List<URI> backends = backends(runtime);
        int replicas = runtime == RuntimeKind.STATIC && raw("LB_REPLICAS") == null
                ? backends.size()
                : integer("LB_REPLICAS", 3, 0, MAX_REPLICAS);
        if (runtime == RuntimeKind.STATIC && replicas != backends.size()) {
            throw new InvalidSettingException("LB_REPLICAS", String.valueOf(replicas),
                    "the number of LB_BACKENDS (" + backends.size() + ") with LB_RUNTIME=static");
        }
        DockerSettings docker = new DockerSettings(
                matching("LB_SERVER_IMAGE", "lb-server:latest", DOCKER_REF, "a Docker image reference"),
                matching("LB_NETWORK", runtime == RuntimeKind.SWARM ? "lb-overlay" : "net1", DOCKER_REF,
                        "a Docker network name"),
                matching("LB_POOL", "lb", NAME, "lower-case letters, digits and '-'"),
                integer("LB_REPLICA_MEMORY_MB", 256, 32, 65_536) * 1024L * 1024L,
                integer("LB_SPARES", 1, 0, MAX_SPARES));
        return new BalancerConfig(
                integer("LB_PORT", 5000, 0, 65_535),
                runtime,
                backends,
                replicas,
                matching("LB_STRATEGY", "consistent-hash", NAME, "a strategy name"),
                matching("LB_HASH", "mixed", NAME, "a hash preset name"),
                docker,
                orDefault("LB_SERVER_JAR", "server/target/server.jar"),
                millis("LB_CONNECT_TIMEOUT_MS", 500, 1, 60_000),
                millis("LB_RESPONSE_TIMEOUT_MS", 30_000, 1, 3_600_000),
                millis("LB_READY_TIMEOUT_MS", 30_000, 100, 600_000),
                new HealthSettings(
                        millis("LB_HEALTH_INTERVAL_MS", 100, 10, 60_000),
                        millis("LB_HEALTH_TIMEOUT_MS", 500, 10, 60_000),
                        integer("LB_HEALTH_FAILURES", 2, 1, 100)),
                new BalancerConfig.PoolSettings(
                        millis("LB_ADMIN_TIMEOUT_MS", 8_000, 100, 600_000),
                        integer("LB_MAX_EJECTION_PERCENT", 50, 1, 100)),
                integer("LB_EVENT_LOOPS", Runtime.getRuntime().availableProcessors(), 1, 256),
                limits(),
                adminToken());
    }

    /** Printable ASCII without spaces (what a header carries unchanged), long enough not to be guessed. */
    private String adminToken() {
        String value = raw("LB_ADMIN_TOKEN");
        if (value == null) return null;
        if (!ADMIN_TOKEN.matcher(value).matches()) {
            // The value is a secret: the message does not repeat it.
            throw new InvalidSettingException("LB_ADMIN_TOKEN", "<" + value.length() + " characters, not shown>",
                    "16 to 512 printable ASCII characters without spaces");
        }
        return value;
    }

    /** The data path's deadlines and caps; the ranges keep each one meaningful (a 0 ms head deadline is no server). */
    private Limits limits() {
        Limits d = Limits.DEFAULTS;
        return new Limits(
                millis("LB_IDLE_TIMEOUT_MS", ms(d.idleTimeout()), 100, 3_600_000),
                millis("LB_HEAD_TIMEOUT_MS", ms(d.headTimeout()), 100, 600_000),
                millis("LB_BODY_TIMEOUT_MS", ms(d.bodyTimeout()), 100, 600_000),
                integer("LB_MIN_BODY_RATE", (int) d.minBodyRate(), 1, 1_000_000_000),
                integer("LB_MAX_CONNECTIONS", d.maxConnections(), 1, 1_000_000),
                integer("LB_MAX_BODY_BYTES", (int) d.maxRequestBody(), 0, 1 << 30),
                integer("LB_REPLICA_MAX_CONCURRENT", d.replicaMaxConcurrent(), 1, 100_000),
                integer("LB_REPLICA_MAX_QUEUE", d.replicaMaxQueue(), 0, 1_000_000),
                millis("LB_QUEUE_TIMEOUT_MS", ms(d.queueTimeout()), 1, 600_000));
    }

    private static int ms(Duration d) {
        return Math.toIntExact(d.toMillis());
    }

    private RuntimeKind runtime() {
        String value = orDefault("LB_RUNTIME", "docker").toLowerCase(Locale.ROOT);
        return Arrays.stream(RuntimeKind.values())
                .filter(kind -> kind.name().toLowerCase(Locale.ROOT).equals(value))
                .findFirst()
                .orElseThrow(() -> new InvalidSettingException("LB_RUNTIME", value, "one of docker, process, static, swarm"));
    }

    private List<URI> backends(RuntimeKind runtime) {
        String value = raw("LB_BACKENDS");
        if (value == null) {
            if (runtime == RuntimeKind.STATIC) {
                throw new InvalidSettingException("LB_BACKENDS", "",
                        "comma-separated base URLs (e.g. http://127.0.0.1:8081,http://127.0.0.1:8082) with LB_RUNTIME=static");
            }
            return List.of();
        }
        List<URI> uris = new ArrayList<>();
        for (String part : value.split(",")) {
            uris.add(backend(part.trim()));
        }
        if (uris.size() > MAX_REPLICAS) {
            throw new InvalidSettingException("LB_BACKENDS", value, "at most " + MAX_REPLICAS + " URLs");
        }
        return uris;
    }

    private static URI backend(String text) {
        try {
            URI uri = new URI(text);
            Predicate<URI> usable = u -> "http".equals(u.getScheme()) && u.getHost() != null
                    && (u.getPath() == null || u.getPath().isEmpty() || u.getPath().equals("/"));
            if (usable.test(uri)) {
                return uri.getPort() == -1 ? new URI("http", null, uri.getHost(), 80, null, null, null) : uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new InvalidSettingException("LB_BACKENDS", text, "base URLs like http://host:port");
    }

    private String matching(String name, String fallback, Pattern pattern, String expected) {
        String value = orDefault(name, fallback);
        if (!pattern.matcher(value).matches()) {
            throw new InvalidSettingException(name, value, expected);
        }
        return value;
    }

    private int integer(String name, int fallback, int min, int max) {
        String value = raw(name);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below with the allowed range
        }
        throw new InvalidSettingException(name, value, "an integer from " + min + " to " + max);
    }

    private Duration millis(String name, int fallback, int min, int max) {
        return Duration.ofMillis(integer(name, fallback, min, max));
    }

    private String orDefault(String name, String fallback) {
        String value = raw(name);
        return value == null ? fallback : value;
    }

    /** The trimmed value, or null when unset or blank (compose passes unset variables as empty strings). */
    private String raw(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }
}
