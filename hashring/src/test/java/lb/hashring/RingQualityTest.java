package lb.hashring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RingQualityTest {

    @Test
    void assignmentPresetReachesOnlyEightySevenOfFiveHundredTwelveSlots() {
        RingQuality quality = HashRing.of(RingConfig.withPreset("assignment"), List.of(1, 2, 3)).quality();
        assertEquals(87, quality.reachableSlots());
        // Independently: i² + 2i + 17 = (i + 1)² + 16, so the reachable slots are the squares mod 512, shifted.
        Set<Integer> squares = new HashSet<>();
        for (int x = 0; x < 512; x++) {
            squares.add(x * x % 512);
        }
        assertEquals(87, squares.size());
    }

    @Test
    void mixedAndVariantPresetsReachEverySlot() {
        assertEquals(512, HashRing.empty(RingConfig.defaults()).quality().reachableSlots());
        assertEquals(512, HashRing.empty(RingConfig.withPreset("assignment-variant")).quality().reachableSlots());
    }

    @Test
    void slotsOwnedCountTheSlotsRoutedToEachServer() {
        Random random = new Random(53);
        for (String preset : HashPresets.names()) {
            HashRing ring = HashRing.of(RingConfig.withPreset(preset), HashRingTest.randomIds(random, 10));
            RingQuality quality = ring.quality();
            assertEquals(ring.servers(), quality.servers().stream().map(RingQuality.ServerShare::serverId).toList());
            for (RingQuality.ServerShare share : quality.servers()) {
                long routed = IntStream.range(0, 512).filter(s -> ring.routeOfSlot(s) == share.serverId()).count();
                assertEquals(routed, share.slotsOwned());
            }
            assertEquals(1.0, quality.servers().stream().mapToDouble(RingQuality.ServerShare::requestShare).sum(),
                    1e-9);
        }
    }

    @Test
    void qualityOfTheAssignmentRingShowsItsSkew() {
        RingQuality quality = HashRing.of(RingConfig.withPreset("assignment"), List.of(1, 2, 3)).quality();
        assertEquals(List.of(457, 22, 33),
                quality.servers().stream().map(RingQuality.ServerShare::slotsOwned).toList());
        assertEquals(457 / (512 / 3.0), quality.slotMaxOverMean(), 1e-9);
        // Exact for ids uniform mod 512: 432 of the 512 residues land on server 1's slots.
        assertEquals(0.84375, quality.servers().get(0).requestShare(), 1e-12);
        assertEquals(0.84375 * 3, quality.requestMaxOverMean(), 1e-12);
    }

    @Test
    void requestSharePredictsTheMeasuredVariantSkew() {
        RingQuality quality = HashRing.of(RingConfig.withPreset("assignment-variant"), List.of(1, 2, 3)).quality();
        // 0.9648 predicted; PresetSkewTest measures 9665 of 10,000 random 6-digit ids on server 1.
        assertEquals(0.96484375, quality.servers().get(0).requestShare(), 1e-12);
    }

    @Test
    void emptyRingHasNoServersAndZeroRatios() {
        RingQuality quality = HashRing.empty(RingConfig.defaults()).quality();
        assertEquals(List.of(), quality.servers());
        assertEquals(0, quality.slotMaxOverMean());
        assertEquals(0, quality.requestMaxOverMean());
        assertThrows(UnsupportedOperationException.class,
                () -> quality.servers().add(new RingQuality.ServerShare(1, 1, 1)));
    }
}
