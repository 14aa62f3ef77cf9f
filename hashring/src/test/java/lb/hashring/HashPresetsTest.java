package lb.hashring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HashPresetsTest {

    private static final HashPreset ASSIGNMENT = HashPresets.byName("assignment");
    private static final HashPreset VARIANT = HashPresets.byName("assignment-variant");
    private static final HashPreset MIXED = HashPresets.mixed();
    private static final int[] SLOT_COUNTS = {512, 1, 7, 1000, Integer.MAX_VALUE};

    @Test
    void registryListsEveryPresetByItsLowerCaseNameDefaultFirst() {
        assertEquals(List.of("mixed", "assignment", "assignment-variant"), HashPresets.names());
        for (String name : HashPresets.names()) {
            assertEquals(name, HashPresets.byName(name).name());
        }
        assertSame(MIXED, HashPresets.byName("mixed"));
    }

    @Test
    void lookupIgnoresCase() {
        assertSame(VARIANT, HashPresets.byName("Assignment-VARIANT"));
    }

    @Test
    void unknownPresetNameFailsListingTheValidNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HashPresets.byName("md5"));
        assertEquals("unknown hash preset 'md5'; valid presets: mixed, assignment, assignment-variant", e.getMessage());
    }

    @Test
    void goldenRequestSlotsPinEachPreset() {
        // Polynomial presets by hand: 123456 mod 512 = 64; 64² + 2·64 + 17 = 4241 ≡ 145; 64 + 2·64² + 17 = 8273 ≡ 81.
        assertEquals(17, ASSIGNMENT.requestSlot(0, 512));
        assertEquals(20, ASSIGNMENT.requestSlot(1, 512));
        assertEquals(489, ASSIGNMENT.requestSlot(100, 512)); // 10217 − 19·512
        assertEquals(145, ASSIGNMENT.requestSlot(123456, 512));
        assertEquals(17, VARIANT.requestSlot(0, 512));
        assertEquals(20, VARIANT.requestSlot(1, 512));
        assertEquals(81, VARIANT.requestSlot(123456, 512));
        // mixed: regression values of the SplitMix64 / variant-13 formula documented in HashPresets.
        assertEquals(431, MIXED.requestSlot(0, 512));
        assertEquals(193, MIXED.requestSlot(1, 512));
        assertEquals(233, MIXED.requestSlot(123456, 512));
        assertEquals(167, MIXED.requestSlot(Long.MAX_VALUE, 512));
    }

    @Test
    void goldenVirtualNodeSlotsPinEachPreset() {
        assertEquals(26, ASSIGNMENT.virtualNodeSlot(1, 0, 512)); // 1 + 0 + 0 + 25
        assertEquals(44, ASSIGNMENT.virtualNodeSlot(2, 3, 512)); // 4 + 9 + 6 + 25
        assertEquals(26, VARIANT.virtualNodeSlot(1, 0, 512)); // 1 + 0 + 0 + 25
        assertEquals(48, VARIANT.virtualNodeSlot(2, 3, 512)); // 2 + 3 + 18 + 25
        assertEquals(502, MIXED.virtualNodeSlot(1, 0, 512));
        assertEquals(412, MIXED.virtualNodeSlot(2, 3, 512));
        assertEquals(47, MIXED.virtualNodeSlot(56, 8, 512));
    }

    @Test
    void polynomialPresetsAreExactForHugeRequestIds() {
        Random random = new Random(11);
        long[] ids = new long[200];
        ids[0] = Long.MAX_VALUE;
        ids[1] = 1_000_000_000_000_000_000L;
        ids[2] = Long.MAX_VALUE - 1;
        for (int k = 3; k < ids.length; k++) {
            ids[k] = random.nextLong() & Long.MAX_VALUE;
        }
        for (int slots : SLOT_COUNTS) {
            BigInteger m = BigInteger.valueOf(slots);
            for (long id : ids) {
                BigInteger i = BigInteger.valueOf(id);
                int exactAssignment = i.pow(2).add(i.shiftLeft(1)).add(BigInteger.valueOf(17)).mod(m).intValue();
                int exactVariant = i.add(i.pow(2).shiftLeft(1)).add(BigInteger.valueOf(17)).mod(m).intValue();
                assertEquals(exactAssignment, ASSIGNMENT.requestSlot(id, slots), () -> "assignment H(" + id + ")");
                assertEquals(exactVariant, VARIANT.requestSlot(id, slots), () -> "variant H(" + id + ")");
            }
        }
        // The two values the issue names, spelled out: (i² + 2i + 17) mod 512.
        assertEquals(16, ASSIGNMENT.requestSlot(Long.MAX_VALUE, 512)); // (2⁶³ − 1 + 1)² + 16 ≡ 16
        assertEquals(17, ASSIGNMENT.requestSlot(1_000_000_000_000_000_000L, 512)); // 10¹⁸ ≡ 0 mod 512
    }

    @Test
    void polynomialPresetsAreExactForLargeServerIdsAndReplicas() {
        int[] values = {1, 9, 56, 65_535, 1 << 30, Integer.MAX_VALUE};
        for (int slots : SLOT_COUNTS) {
            BigInteger m = BigInteger.valueOf(slots);
            for (int id : values) {
                for (int replica : values) {
                    BigInteger i = BigInteger.valueOf(id);
                    BigInteger j = BigInteger.valueOf(replica);
                    BigInteger c25 = BigInteger.valueOf(25);
                    int exactAssignment = i.pow(2).add(j.pow(2)).add(j.shiftLeft(1)).add(c25).mod(m).intValue();
                    int exactVariant = i.add(j).add(j.pow(2).shiftLeft(1)).add(c25).mod(m).intValue();
                    assertEquals(exactAssignment, ASSIGNMENT.virtualNodeSlot(id, replica, slots));
                    assertEquals(exactVariant, VARIANT.virtualNodeSlot(id, replica, slots));
                }
            }
        }
    }

    @Test
    void everyPresetReturnsASlotInsideTheRing() {
        Random random = new Random(5);
        for (String name : HashPresets.names()) {
            HashPreset preset = HashPresets.byName(name);
            for (int slots : SLOT_COUNTS) {
                for (int k = 0; k < 2_000; k++) {
                    int request = preset.requestSlot(random.nextLong(), slots);
                    int node = preset.virtualNodeSlot(1 + random.nextInt(Integer.MAX_VALUE), random.nextInt(64), slots);
                    assertTrue(request >= 0 && request < slots, name + " request slot " + request);
                    assertTrue(node >= 0 && node < slots, name + " node slot " + node);
                }
            }
        }
    }

    @Test
    void mixedPresetSpreadsVirtualNodesLikeRandomPlacement() {
        // 56 servers × 9 replicas = 504 home slots. Uniform random placement leaves 512·(1 − (1 − 1/512)⁵⁰⁴) ≈ 320.9
        // distinct slots. Observed: mixed 316, assignment 236, assignment-variant 192 (their (i, j) pairs collide
        // systematically, e.g. Φ(1, 1) = Φ(2, 0) = 29 for assignment).
        assertTrue(distinctHomeSlots(MIXED) >= 300, "mixed: " + distinctHomeSlots(MIXED));
        assertTrue(distinctHomeSlots(ASSIGNMENT) < 250, "assignment: " + distinctHomeSlots(ASSIGNMENT));
        assertTrue(distinctHomeSlots(VARIANT) < 250, "variant: " + distinctHomeSlots(VARIANT));
    }

    private static int distinctHomeSlots(HashPreset preset) {
        Set<Integer> homes = new HashSet<>();
        for (int id = 1; id <= 56; id++) {
            for (int j = 0; j < 9; j++) {
                homes.add(preset.virtualNodeSlot(id, j, 512));
            }
        }
        return homes.size();
    }
}
