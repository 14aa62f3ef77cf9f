package lb.hashring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HashRingTest {

    private static final RingConfig MIXED = RingConfig.defaults();

    @Test
    void emptyRingRoutesEveryRequestToNoServer() {
        HashRing ring = HashRing.empty(MIXED);
        assertEquals(0, ring.size());
        assertEquals(HashRing.NO_SERVER, ring.serverFor(123456));
        assertEquals(HashRing.NO_SERVER, ring.nextServerAfter(123456, 0));
        assertEquals(0, ring.walk(123456).length);
        for (int slot = 0; slot < 512; slot++) {
            assertEquals(HashRing.NO_SERVER, ring.ownerOfSlot(slot));
            assertEquals(HashRing.NO_SERVER, ring.routeOfSlot(slot));
        }
    }

    @Test
    void sameServersInAnyOrderGiveTheIdenticalRing() {
        Random random = new Random(17);
        for (String preset : HashPresets.names()) {
            RingConfig config = RingConfig.withPreset(preset);
            for (int trial = 0; trial < 200; trial++) {
                List<Integer> ids = randomIds(random, 1 + random.nextInt(56));
                HashRing reference = HashRing.of(config, ids);
                List<Integer> shuffled = new ArrayList<>(ids);
                Collections.shuffle(shuffled, random);
                HashRing grown = HashRing.empty(config);
                for (int id : shuffled) {
                    grown = grown.withServer(id);
                }
                // Also reach the set through a detour: add extra servers, then remove them.
                HashRing detour = HashRing.of(config, shuffled);
                List<Integer> extra = randomIds(random, 56).stream().filter(id -> !ids.contains(id))
                        .limit(56 - ids.size()).toList();
                for (int id : extra) {
                    detour = detour.withServer(id);
                }
                for (int id : extra) {
                    detour = detour.withoutServer(id);
                }
                assertArrayEquals(tables(reference), tables(HashRing.of(config, shuffled)), preset + " " + ids);
                assertArrayEquals(tables(reference), tables(grown), preset + " " + ids);
                assertArrayEquals(tables(reference), tables(detour), preset + " " + ids);
                assertEquals(reference, grown);
            }
        }
    }

    @Test
    void eachServerPlacesExactlyKVirtualNodesAtDistinctSlots() {
        Random random = new Random(3);
        for (String preset : HashPresets.names()) {
            HashRing ring = HashRing.of(RingConfig.withPreset(preset), randomIds(random, 56));
            for (int id : ring.servers()) {
                long nodes = IntStream.range(0, 512).filter(slot -> ring.ownerOfSlot(slot) == id).count();
                assertEquals(9, nodes, preset + " server " + id);
            }
        }
    }

    @Test
    void requestGoesToTheFirstVirtualNodeAtOrClockwiseAfterItsSlot() {
        Random random = new Random(23);
        for (String preset : HashPresets.names()) {
            HashRing ring = HashRing.of(RingConfig.withPreset(preset), randomIds(random, 1 + random.nextInt(56)));
            for (int slot = 0; slot < 512; slot++) {
                int at = slot;
                while (ring.ownerOfSlot(at) == HashRing.NO_SERVER) {
                    at = (at + 1) % 512; // the definition, walked slot by slot
                }
                assertEquals(ring.ownerOfSlot(at), ring.routeOfSlot(slot), preset + " slot " + slot);
            }
            for (int k = 0; k < 10_000; k++) {
                long id = random.nextLong() & Long.MAX_VALUE;
                assertEquals(ring.routeOfSlot(ring.slotOf(id)), ring.serverFor(id));
            }
        }
    }

    @Test
    void goldenSlotTablesPinEachPresetForServersOneToThree() {
        // (slot, owner) of the 27 virtual nodes. assignment by hand: server 2's j = 0 wants 29 (taken by server 1's
        // j = 1) and probes to 30; server 3's j = 0 wants 34 (server 1) → 35, its j = 1 wants 37 (server 2) → 38.
        assertEquals("(26,1) (29,1) (30,2) (32,2) (34,1) (35,3) (37,2) (38,3) (41,1) (42,3) (44,2) (49,3) (50,1) "
                + "(53,2) (58,3) (61,1) (64,2) (69,3) (74,1) (77,2) (82,3) (89,1) (92,2) (97,3) (106,1) (109,2) "
                + "(114,3)", nodeTable("assignment"));
        assertEquals("(26,1) (27,2) (28,3) (29,1) (30,2) (31,3) (36,1) (37,2) (38,3) (47,1) (48,2) (49,3) (62,1) "
                + "(63,2) (64,3) (81,1) (82,2) (83,3) (104,1) (105,2) (106,3) (131,1) (132,2) (133,3) (162,1) "
                + "(163,2) (164,3)", nodeTable("assignment-variant"));
        assertEquals("(8,3) (27,3) (28,3) (38,2) (40,2) (69,3) (80,1) (83,2) (104,1) (128,1) (142,1) (185,3) "
                + "(259,2) (268,2) (282,3) (289,2) (350,1) (384,3) (387,1) (404,1) (412,2) (438,1) (465,3) (476,2) "
                + "(487,2) (502,1) (507,3)", nodeTable("mixed"));
    }

    @Test
    void fiftySixServersFitAndTheFiftySeventhFailsNamingTheLimit() {
        List<Integer> ids = IntStream.rangeClosed(1, 56).boxed().toList();
        HashRing full = HashRing.of(MIXED, ids);
        assertEquals(56, full.size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> full.withServer(57));
        assertEquals("ring is full: at most 56 servers with 512 slots and 9 virtual nodes", e.getMessage());
        List<Integer> tooMany = IntStream.rangeClosed(1, 57).boxed().toList();
        e = assertThrows(IllegalArgumentException.class, () -> HashRing.of(MIXED, tooMany));
        assertEquals("ring is full: at most 56 servers with 512 slots and 9 virtual nodes (57 given)", e.getMessage());
    }

    @Test
    void duplicateServerIdsFail() {
        HashRing ring = HashRing.of(MIXED, List.of(1, 2, 3));
        assertEquals("server 3 is already on the ring",
                assertThrows(IllegalArgumentException.class, () -> ring.withServer(3)).getMessage());
        assertEquals("server 2 is listed twice",
                assertThrows(IllegalArgumentException.class, () -> HashRing.of(MIXED, List.of(2, 1, 2))).getMessage());
    }

    @Test
    void nonPositiveServerIdsFail() {
        HashRing ring = HashRing.empty(MIXED);
        assertEquals("server id must be positive, was 0",
                assertThrows(IllegalArgumentException.class, () -> ring.withServer(0)).getMessage());
        assertEquals("server id must be positive, was -4",
                assertThrows(IllegalArgumentException.class, () -> HashRing.of(MIXED, List.of(1, -4))).getMessage());
    }

    @Test
    void removingAServerThatIsNotOnTheRingFails() {
        HashRing ring = HashRing.of(MIXED, List.of(1, 2));
        assertEquals("server 7 is not on the ring",
                assertThrows(IllegalArgumentException.class, () -> ring.withoutServer(7)).getMessage());
    }

    @Test
    void changesReturnANewRingAndLeaveTheOriginalUntouched() {
        HashRing ring = HashRing.of(MIXED, List.of(3, 1, 2));
        int[] before = tables(ring);
        HashRing added = ring.withServer(4);
        HashRing removed = ring.withoutServer(2);
        assertArrayEquals(before, tables(ring));
        assertEquals(List.of(1, 2, 3), ring.servers());
        assertEquals(List.of(1, 2, 3, 4), added.servers());
        assertEquals(List.of(1, 3), removed.servers());
        assertTrue(added.contains(4));
        assertFalse(ring.contains(4));
        assertNotEquals(ring, added);
        assertThrows(UnsupportedOperationException.class, () -> ring.servers().add(9));
    }

    @Test
    void slotAccessorsRejectSlotsOutsideTheRing() {
        HashRing ring = HashRing.of(MIXED, List.of(1));
        assertThrows(IndexOutOfBoundsException.class, () -> ring.ownerOfSlot(512));
        assertThrows(IndexOutOfBoundsException.class, () -> ring.routeOfSlot(-1));
    }

    @Test
    void aSingleServerServesEveryRequest() {
        HashRing ring = HashRing.of(MIXED, List.of(42));
        Random random = new Random(1);
        for (int k = 0; k < 1_000; k++) {
            assertEquals(42, ring.serverFor(random.nextLong() & Long.MAX_VALUE));
        }
    }

    /** Distinct random ids in 1..56. */
    static List<Integer> randomIds(Random random, int count) {
        List<Integer> all = new ArrayList<>(IntStream.rangeClosed(1, 56).boxed().toList());
        Collections.shuffle(all, random);
        return List.copyOf(all.subList(0, count));
    }

    /** Owner and route of every slot, concatenated: equal arrays mean identical rings. */
    static int[] tables(HashRing ring) {
        int slots = ring.config().slots();
        int[] tables = new int[2 * slots];
        for (int slot = 0; slot < slots; slot++) {
            tables[slot] = ring.ownerOfSlot(slot);
            tables[slots + slot] = ring.routeOfSlot(slot);
        }
        return tables;
    }

    private static String nodeTable(String preset) {
        HashRing ring = HashRing.of(RingConfig.withPreset(preset), List.of(1, 2, 3));
        StringBuilder table = new StringBuilder();
        for (int slot = 0; slot < 512; slot++) {
            if (ring.ownerOfSlot(slot) != HashRing.NO_SERVER) {
                table.append(table.isEmpty() ? "" : " ").append('(').append(slot).append(',')
                        .append(ring.ownerOfSlot(slot)).append(')');
            }
        }
        return table.toString();
    }
}
