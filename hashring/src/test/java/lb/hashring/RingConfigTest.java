package lb.hashring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RingConfigTest {

    @Test
    void defaultsAreTheSpecRingWithTheMixedPreset() {
        RingConfig config = RingConfig.defaults();
        assertEquals(512, config.slots());
        assertEquals(9, config.virtualNodes());
        assertSame(HashPresets.mixed(), config.preset());
        assertEquals(56, config.maxServers());
    }

    @Test
    void withPresetKeepsTheSpecShapeAndSelectsThePresetByName() {
        RingConfig config = RingConfig.withPreset("assignment");
        assertEquals(new RingConfig(512, 9, HashPresets.byName("assignment")), config);
    }

    @Test
    void withUnknownPresetFailsListingTheValidNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RingConfig.withPreset("x"));
        assertEquals("unknown hash preset 'x'; valid presets: mixed, assignment, assignment-variant", e.getMessage());
    }

    @Test
    void maxServersIsSlotsDividedByVirtualNodesRoundedDown() {
        assertEquals(1, new RingConfig(9, 9, HashPresets.mixed()).maxServers());
        assertEquals(10, new RingConfig(1000, 99, HashPresets.mixed()).maxServers());
    }

    @Test
    void rejectsShapesThatCannotHoldAServer() {
        HashPreset mixed = HashPresets.mixed();
        assertEquals("slots must be at least 1, was 0",
                assertThrows(IllegalArgumentException.class, () -> new RingConfig(0, 1, mixed)).getMessage());
        assertEquals("virtualNodes must be between 1 and slots (512), was 0",
                assertThrows(IllegalArgumentException.class, () -> new RingConfig(512, 0, mixed)).getMessage());
        assertEquals("virtualNodes must be between 1 and slots (8), was 9",
                assertThrows(IllegalArgumentException.class, () -> new RingConfig(8, 9, mixed)).getMessage());
        assertThrows(NullPointerException.class, () -> new RingConfig(512, 9, null));
    }
}
