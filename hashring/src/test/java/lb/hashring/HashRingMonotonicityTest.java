package lb.hashring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Which requests move when membership changes. Requests map to slots, so comparing the route of every slot covers
 * every possible request id; with the mixed preset requests are uniform over slots, so a fraction of slots is the
 * fraction of requests.
 */
class HashRingMonotonicityTest {

    private static final int SLOTS = 512;

    @Test
    void addingTheLargestIdMovesRequestsOnlyToTheNewServer() {
        Random random = new Random(31);
        for (String preset : HashPresets.names()) {
            RingConfig config = RingConfig.withPreset(preset);
            for (int trial = 0; trial < 300; trial++) {
                List<Integer> ids = HashRingTest.randomIds(random, 1 + random.nextInt(55));
                int newcomer = random.nextInt(Collections.max(ids) + 1, 200);
                HashRing before = HashRing.of(config, ids);
                HashRing after = before.withServer(newcomer);
                int moved = 0;
                for (int slot = 0; slot < SLOTS; slot++) {
                    if (before.routeOfSlot(slot) != after.routeOfSlot(slot)) {
                        assertEquals(newcomer, after.routeOfSlot(slot), preset + " " + ids + " + " + newcomer);
                        moved++;
                    }
                    // Existing virtual nodes stay where they were: the newcomer only claims free slots.
                    if (before.ownerOfSlot(slot) != HashRing.NO_SERVER) {
                        assertEquals(before.ownerOfSlot(slot), after.ownerOfSlot(slot));
                    }
                }
                assertTrue(moved > 0, "the newcomer takes some requests");
            }
        }
    }

    @Test
    void removingTheLargestIdMovesOnlyItsRequestsAndRestoresThePreviousRing() {
        Random random = new Random(37);
        for (String preset : HashPresets.names()) {
            RingConfig config = RingConfig.withPreset(preset);
            for (int trial = 0; trial < 300; trial++) {
                List<Integer> ids = HashRingTest.randomIds(random, 2 + random.nextInt(55));
                int largest = Collections.max(ids);
                HashRing before = HashRing.of(config, ids);
                HashRing after = before.withoutServer(largest);
                for (int slot = 0; slot < SLOTS; slot++) {
                    if (before.routeOfSlot(slot) != largest) {
                        assertEquals(before.routeOfSlot(slot), after.routeOfSlot(slot), preset + " " + ids);
                    } else {
                        assertTrue(after.routeOfSlot(slot) != largest);
                    }
                }
            }
        }
    }

    @Test
    void fourthServerJoiningThreeTakesAboutAQuarterOfTheRequests() {
        HashRing three = HashRing.of(RingConfig.defaults(), List.of(1, 2, 3));
        HashRing four = three.withServer(4);
        Random random = new Random(7);
        int keys = 100_000;
        int moved = 0;
        for (int k = 0; k < keys; k++) {
            long id = random.nextLong() & Long.MAX_VALUE;
            int before = three.serverFor(id);
            int after = four.serverFor(id);
            if (before != after) {
                assertEquals(4, after, "a request only moves to the new server");
                moved++;
            }
        }
        // Observed: 31,929 of 100,000 (0.319). With K = 9 one server's share varies by about ±0.1 around the ideal
        // 1/4, so this single ring is allowed [0.15, 0.35]; the average over many rings is held tighter below.
        double fraction = moved / (double) keys;
        assertTrue(fraction >= 0.15 && fraction <= 0.35, "moved fraction " + fraction);
    }

    @Test
    void fourthServerTakesAQuarterOfTheRingOnAverageOverRandomServerSets() {
        RingConfig config = RingConfig.defaults();
        Random random = new Random(1);
        int trials = 1_000;
        double sum = 0;
        for (int trial = 0; trial < trials; trial++) {
            List<Integer> ids = HashRingTest.randomIds(random, 4);
            HashRing three = HashRing.of(config, ids.subList(0, 3));
            HashRing four = three.withServer(ids.get(3));
            sum += IntStream.range(0, SLOTS).filter(s -> three.routeOfSlot(s) != four.routeOfSlot(s)).count()
                    / (double) SLOTS;
        }
        // Observed mean 0.2482 over 1,000 rings (per-ring min 0.057, max 0.535). Bound: 1/4 ± 0.02.
        assertEquals(0.25, sum / trials, 0.02);
    }

    @Test
    void addingASmallerIdRarelyMovesRequestsBetweenUnchangedServersInSmallRings() {
        // 3..6 servers, the balancer's usual size, random ids in 1..56, the newcomer any absent id.
        Stray stray = strayMoves(3, 6, true, new Random(2024));
        // Observed over 2,000 adds: 474 had a stray slot; mean 0.306 stray slots (0.06% of the ring), max 4 (0.8%).
        assertTrue(stray.mean() <= 0.6, stray.toString());
        assertTrue(stray.max() <= 8, stray.toString());
    }

    @Test
    void removingASmallerIdRarelyMovesRequestsBetweenUnchangedServersInSmallRings() {
        Stray stray = strayMoves(3, 6, false, new Random(2025));
        // Observed over 2,000 removals: 337 had a stray slot; mean 0.199 stray slots (0.04%), max 3 (0.6%).
        assertTrue(stray.mean() <= 0.6, stray.toString());
        assertTrue(stray.max() <= 8, stray.toString());
    }

    @Test
    void strayMovesStayBoundedEvenInNearlyFullRings() {
        // 40..55 servers fill 70–97% of the slots; linear probing then builds long clusters, and a newcomer with a
        // small id shifts every later node of its cluster by one slot.
        Stray add = strayMoves(40, 55, true, new Random(2026));
        Stray remove = strayMoves(40, 55, false, new Random(2027));
        // Observed over 2,000 each: adds mean 25.9 stray slots (5% of the ring), max 81 (16%), 1,958 with any;
        // removals mean 22.9, max 75, 1,946 with any.
        assertTrue(add.mean() <= 35 && add.max() <= 120, add.toString());
        assertTrue(remove.mean() <= 35 && remove.max() <= 120, remove.toString());
    }

    /** Slots whose server changed although neither the old nor the new server is the one added or removed. */
    private record Stray(double mean, int max, int changesWithStray, int changes) {
    }

    private static Stray strayMoves(int minServers, int maxServers, boolean add, Random random) {
        RingConfig config = RingConfig.defaults();
        int changes = 2_000;
        long total = 0;
        int max = 0;
        int withStray = 0;
        for (int trial = 0; trial < changes; trial++) {
            int n = minServers + random.nextInt(maxServers - minServers + 1);
            List<Integer> all = new ArrayList<>(HashRingTest.randomIds(random, 56));
            HashRing before = HashRing.of(config, all.subList(0, n));
            int changed = add ? all.get(n) : all.get(random.nextInt(n));
            HashRing after = add ? before.withServer(changed) : before.withoutServer(changed);
            int stray = 0;
            for (int slot = 0; slot < SLOTS; slot++) {
                int from = before.routeOfSlot(slot);
                int to = after.routeOfSlot(slot);
                if (from != to && from != changed && to != changed) {
                    stray++;
                }
            }
            total += stray;
            max = Math.max(max, stray);
            withStray += stray > 0 ? 1 : 0;
        }
        return new Stray(total / (double) changes, max, withStray, changes);
    }
}
