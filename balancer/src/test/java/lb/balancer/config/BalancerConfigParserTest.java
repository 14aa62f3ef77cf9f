package lb.balancer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import lb.balancer.forward.Limits;
import org.junit.jupiter.api.Test;

class BalancerConfigParserTest {

    @Test
    void healthDefaultsTakeAHungReplicaOutOfTheRingWithinSixHundredMillisAndDeclareItDeadWithinOneSecondAndAHalf() {
        BalancerConfig.HealthSettings health = BalancerConfigParser.parse(Map.of()).health();

        // The first failed heartbeat takes a replica out; a hung one fails by timeout, at worst one interval late. The
        // timeout is not shorter: 300 ms was outlasted by a loaded machine's scheduling delay (see HealthSettings).
        assertEquals(600, health.interval().plus(health.timeout()).toMillis());
        assertEquals(2, health.failures());
        assertTrue(health.interval().plus(health.timeout()).multipliedBy(health.failures()).toMillis() <= 1_500);
    }

    @Test
    void keepsOneSpareByDefault() {
        assertEquals(1, BalancerConfigParser.parse(Map.of()).docker().spares());
    }

    @Test
    void sparesCanBeTurnedOffOrRaised() {
        assertEquals(0, BalancerConfigParser.parse(Map.of("LB_SPARES", "0")).docker().spares());
        assertEquals(3, BalancerConfigParser.parse(Map.of("LB_SPARES", " 3 ")).docker().spares());
    }

    @Test
    void refusesASpareCountOutOfRangeNamingTheSetting() {
        for (String bad : new String[] {"-1", "9", "one", "1.5"}) {
            InvalidSettingException refused = assertThrows(InvalidSettingException.class,
                    () -> BalancerConfigParser.parse(Map.of("LB_SPARES", bad)));
            assertTrue(refused.getMessage().contains("LB_SPARES"), refused.getMessage());
            assertTrue(refused.getMessage().contains("0 to 8"), refused.getMessage());
        }
    }

    @Test
    void swarmRuntimeDefaultsToTheOverlayNetworkAndKeepsAnExplicitOne() {
        BalancerConfig swarm = BalancerConfigParser.parse(Map.of("LB_RUNTIME", "swarm"));
        assertEquals(BalancerConfig.RuntimeKind.SWARM, swarm.runtime());
        assertEquals("lb-overlay", swarm.docker().network());
        assertEquals("net2", BalancerConfigParser.parse(Map.of("LB_RUNTIME", "swarm", "LB_NETWORK", "net2")).docker()
                .network());
        assertEquals("net1", BalancerConfigParser.parse(Map.of()).docker().network(), "docker keeps its bridge");
    }

    @Test
    void anUnknownRuntimeIsRefusedListingSwarmAmongTheValidOnes() {
        InvalidSettingException refused = assertThrows(InvalidSettingException.class,
                () -> BalancerConfigParser.parse(Map.of("LB_RUNTIME", "kubernetes")));
        assertTrue(refused.getMessage().contains("swarm"), refused.getMessage());
    }

    @Test
    void dataPathLimitsDefaultToTheSafeTable() {
        assertEquals(Limits.DEFAULTS, BalancerConfigParser.parse(Map.of()).limits());
    }

    @Test
    void everyDataPathLimitHasItsVariable() {
        Limits limits = BalancerConfigParser.parse(Map.of(
                "LB_IDLE_TIMEOUT_MS", "5000",
                "LB_HEAD_TIMEOUT_MS", "2500",
                "LB_BODY_TIMEOUT_MS", "3000",
                "LB_MIN_BODY_RATE", "64",
                "LB_MAX_CONNECTIONS", "20000",
                "LB_MAX_BODY_BYTES", "1048576",
                "LB_REPLICA_MAX_CONCURRENT", "16",
                "LB_REPLICA_MAX_QUEUE", "0",
                "LB_QUEUE_TIMEOUT_MS", "250")).limits();

        assertEquals(new Limits(Duration.ofMillis(5000), Duration.ofMillis(2500), Duration.ofMillis(3000), 64, 20_000,
                1_048_576, 16, 0, Duration.ofMillis(250)), limits);
    }

    @Test
    void refusesBadDataPathLimitsNamingTheSettingAndItsRange() {
        Map<String, String> bad = Map.of(
                "LB_HEAD_TIMEOUT_MS", "0",
                "LB_IDLE_TIMEOUT_MS", "ten",
                "LB_BODY_TIMEOUT_MS", "-5",
                "LB_MIN_BODY_RATE", "0",
                "LB_MAX_CONNECTIONS", "0",
                "LB_MAX_BODY_BYTES", "99999999999",
                "LB_REPLICA_MAX_CONCURRENT", "0",
                "LB_REPLICA_MAX_QUEUE", "-1",
                "LB_QUEUE_TIMEOUT_MS", "1.5");
        bad.forEach((name, value) -> {
            InvalidSettingException refused = assertThrows(InvalidSettingException.class,
                    () -> BalancerConfigParser.parse(Map.of(name, value)), name);
            assertTrue(refused.getMessage().contains(name), refused.getMessage());
            assertTrue(refused.getMessage().contains(value), refused.getMessage());
            assertTrue(refused.getMessage().contains("an integer from"), refused.getMessage());
        });
    }

    @Test
    void theAdminTokenIsOffUnlessSetAndABadOneIsRefusedWithoutEchoingIt() {
        assertEquals(null, BalancerConfigParser.parse(Map.of()).adminToken());
        assertEquals(null, BalancerConfigParser.parse(Map.of("LB_ADMIN_TOKEN", " ")).adminToken());
        assertEquals("0123456789abcdef", BalancerConfigParser.parse(Map.of("LB_ADMIN_TOKEN", "0123456789abcdef")).adminToken());
        for (String bad : new String[] {"short-secret", "has a space inside it", "tab\tinside-0123456789"}) {
            InvalidSettingException refused = assertThrows(InvalidSettingException.class,
                    () -> BalancerConfigParser.parse(Map.of("LB_ADMIN_TOKEN", bad)));
            assertTrue(refused.getMessage().contains("LB_ADMIN_TOKEN"), refused.getMessage());
            assertTrue(refused.getMessage().contains("16 to 512 printable ASCII"), refused.getMessage());
            assertTrue(!refused.getMessage().contains(bad), refused.getMessage());
        }
    }
}
