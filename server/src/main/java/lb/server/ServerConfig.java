package lb.server;

import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The replica's settings, read once from the environment at start-up and validated.
 *
 * <p>Every knob has a safe default, so {@code java -jar server.jar} answers on port 5000 with no delay. A bad value
 * throws {@link InvalidSettingException} naming the variable, which stops start-up.
 *
 * @param serverId        {@code SERVER_ID}: the id {@code /home} reports (the balancer passes the ring server id)
 * @param port            {@code PORT}: listen port, default 5000 (0 picks a free port, for tests)
 * @param region          {@code SERVER_REGION}: region label sent as {@code X-Server-Region}, default {@code default}
 * @param latencyMillis   {@code SERVER_LATENCY_MS}: fixed delay added to every {@code /home}, default 0
 * @param jitterMillis    {@code SERVER_JITTER_MS}: extra uniform random delay in [0, jitter], default 0
 * @param driftMillis     {@code SERVER_DRIFT_MS}: bound of a latency that random-walks in [0, drift], default 0 (off)
 * @param driftIntervalMillis {@code SERVER_DRIFT_INTERVAL_MS}: how often the drifting latency moves, default 1000
 * @param seed            {@code SERVER_SEED}: seed of the jitter/drift randomness; absent means unseeded
 */
public record ServerConfig(
        String serverId,
        int port,
        String region,
        int latencyMillis,
        int jitterMillis,
        int driftMillis,
        int driftIntervalMillis,
        OptionalLong seed) {

    static final int DEFAULT_PORT = 5000;
    /** Every variable {@link #fromEnv} reads except {@code PORT}: what makes one replica differ from another. */
    static final Set<String> REPLICA_SETTINGS = Set.of("SERVER_ID", "SERVER_REGION", "SERVER_LATENCY_MS",
            "SERVER_JITTER_MS", "SERVER_DRIFT_MS", "SERVER_DRIFT_INTERVAL_MS", "SERVER_SEED");
    static final int MAX_DELAY_MILLIS = 60_000;

    // Ids and regions end up in JSON, headers and logs; a conservative charset keeps them safe in all three.
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** Defaults for everything but the id: no delay, port 5000. */
    public static ServerConfig withId(String serverId) {
        return new ServerConfig(serverId, DEFAULT_PORT, "default", 0, 0, 0, 1_000, OptionalLong.empty());
    }

    /** Reads and validates the settings from {@code env} (normally {@link System#getenv()}). */
    public static ServerConfig fromEnv(Map<String, String> env) {
        EnvReader in = new EnvReader(env);
        return new ServerConfig(
                in.label("SERVER_ID", defaultId(env)),
                in.integer("PORT", DEFAULT_PORT, 0, 65_535),
                in.label("SERVER_REGION", "default"),
                in.integer("SERVER_LATENCY_MS", 0, 0, MAX_DELAY_MILLIS),
                in.integer("SERVER_JITTER_MS", 0, 0, MAX_DELAY_MILLIS),
                in.integer("SERVER_DRIFT_MS", 0, 0, MAX_DELAY_MILLIS),
                in.integer("SERVER_DRIFT_INTERVAL_MS", 1_000, 10, 3_600_000),
                in.optionalLong("SERVER_SEED"));
    }

    /** The same settings on another port (0 = any free port). */
    public ServerConfig withPort(int newPort) {
        return new ServerConfig(serverId, newPort, region, latencyMillis, jitterMillis, driftMillis,
                driftIntervalMillis, seed);
    }

    /** True when any delay knob is on, i.e. {@code /home} may sleep. */
    public boolean simulatesLatency() {
        return latencyMillis > 0 || jitterMillis > 0 || driftMillis > 0;
    }

    // Without SERVER_ID, a container's hostname (its short id) is the most useful thing to report.
    private static String defaultId(Map<String, String> env) {
        String host = env.get("HOSTNAME");
        return host != null && LABEL.matcher(host).matches() ? host : "0";
    }

    /** Typed, validated access to environment variables; every failure names the variable. */
    private record EnvReader(Map<String, String> env) {

        String label(String name, String fallback) {
            String value = raw(name);
            if (value == null) {
                return fallback;
            }
            if (!LABEL.matcher(value).matches()) {
                throw new InvalidSettingException(name, value, "1 to 64 characters from A-Z a-z 0-9 . _ -");
            }
            return value;
        }

        int integer(String name, int fallback, int min, int max) {
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

        OptionalLong optionalLong(String name) {
            String value = raw(name);
            if (value == null) {
                return OptionalLong.empty();
            }
            try {
                return OptionalLong.of(Long.parseLong(value));
            } catch (NumberFormatException e) {
                throw new InvalidSettingException(name, value, "a 64-bit integer");
            }
        }

        /** The trimmed value, or null when unset or blank (blank means "use the default", as in compose files). */
        private String raw(String name) {
            String value = env.get(name);
            if (value == null || value.isBlank()) {
                return null;
            }
            return value.trim();
        }
    }
}
