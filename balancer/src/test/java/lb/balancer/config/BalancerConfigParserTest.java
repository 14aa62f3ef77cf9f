package lb.balancer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BalancerConfigParserTest {

    @Test
    void healthDefaultsTakeADeadReplicaOutOfTheRingWithinFourHundredMillis() {
        BalancerConfig.HealthSettings health = BalancerConfigParser.parse(Map.of()).health();

        // The first failed heartbeat takes a replica out; a dead one fails by timeout, at worst one interval late.
        assertEquals(400, health.interval().plus(health.timeout()).toMillis());
        assertEquals(2, health.failures());
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
}
