package lb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

    @Test
    void defaultsToPort5000WithNoDelay() {
        ServerConfig config = ServerConfig.fromEnv(Map.of("SERVER_ID", "7"));

        assertEquals("7", config.serverId());
        assertEquals(5000, config.port());
        assertEquals("default", config.region());
        assertFalse(config.simulatesLatency());
        assertEquals(OptionalLong.empty(), config.seed());
    }

    @Test
    void readsEveryKnob() {
        ServerConfig config = ServerConfig.fromEnv(Map.of(
                "SERVER_ID", "3", "PORT", "6001", "SERVER_REGION", "eu-west",
                "SERVER_LATENCY_MS", "20", "SERVER_JITTER_MS", "5", "SERVER_DRIFT_MS", "100",
                "SERVER_DRIFT_INTERVAL_MS", "250", "SERVER_SEED", "42"));

        assertEquals(new ServerConfig("3", 6001, "eu-west", 20, 5, 100, 250, OptionalLong.of(42)), config);
        assertTrue(config.simulatesLatency());
    }

    @Test
    void blankValuesMeanDefault() {
        ServerConfig config = ServerConfig.fromEnv(Map.of("SERVER_ID", "1", "PORT", " ", "SERVER_REGION", ""));

        assertEquals(5000, config.port());
        assertEquals("default", config.region());
    }

    @Test
    void fallsBackToHostnameWhenNoServerId() {
        assertEquals("a1b2c3", ServerConfig.fromEnv(Map.of("HOSTNAME", "a1b2c3")).serverId());
    }

    @Test
    void rejectsBadValuesNamingTheVariable() {
        assertRejected(Map.of("PORT", "http"), "PORT");
        assertRejected(Map.of("PORT", "70000"), "PORT");
        assertRejected(Map.of("SERVER_LATENCY_MS", "-1"), "SERVER_LATENCY_MS");
        assertRejected(Map.of("SERVER_JITTER_MS", "1.5"), "SERVER_JITTER_MS");
        assertRejected(Map.of("SERVER_DRIFT_INTERVAL_MS", "0"), "SERVER_DRIFT_INTERVAL_MS");
        assertRejected(Map.of("SERVER_ID", "a b"), "SERVER_ID");
        assertRejected(Map.of("SERVER_ID", "\"quoted\""), "SERVER_ID");
        assertRejected(Map.of("SERVER_REGION", "x".repeat(65)), "SERVER_REGION");
        assertRejected(Map.of("SERVER_SEED", "seed"), "SERVER_SEED");
    }

    private static void assertRejected(Map<String, String> env, String variable) {
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> ServerConfig.fromEnv(env));
        assertTrue(e.getMessage().startsWith("invalid " + variable + "="), e.getMessage());
    }
}
