package lb.hashring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HashRingWalkTest {

    @Test
    void walkStartsWithThePrimaryAndListsEveryServerOnceInClockwiseOrder() {
        Random random = new Random(41);
        for (String preset : HashPresets.names()) {
            for (int trial = 0; trial < 100; trial++) {
                HashRing ring = HashRing.of(RingConfig.withPreset(preset),
                        HashRingTest.randomIds(random, 1 + random.nextInt(56)));
                for (int k = 0; k < 50; k++) {
                    long id = random.nextLong() & Long.MAX_VALUE;
                    int[] walk = ring.walk(id);
                    assertEquals(ring.serverFor(id), walk[0]);
                    assertArrayEquals(clockwiseOwners(ring, id), walk, preset);
                    assertEquals(ring.servers(), Arrays.stream(walk).sorted().boxed().toList());
                }
            }
        }
    }

    @Test
    void walkIntoABufferWritesTheSameOrderAndRejectsAShortBuffer() {
        HashRing ring = HashRing.of(RingConfig.defaults(), List.of(5, 9, 2, 30));
        int[] buffer = new int[10];
        assertEquals(4, ring.walk(777, buffer));
        assertArrayEquals(ring.walk(777), Arrays.copyOf(buffer, 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ring.walk(777, new int[3]));
        assertEquals("walk needs room for 4 ids, got 3", e.getMessage());
    }

    @Test
    void walkCoversRingsWithMoreThanSixtyFourServers() {
        // A custom shape with room for 256 servers exercises the walk's array-based bookkeeping.
        RingConfig config = new RingConfig(1024, 4, HashPresets.mixed());
        HashRing ring = HashRing.of(config, IntStream.rangeClosed(1, 256).boxed().toList());
        int[] walk = ring.walk(123456);
        assertEquals(256, walk.length);
        assertArrayEquals(clockwiseOwners(ring, 123456), walk);
    }

    @Test
    void nextServerAfterWithoutExclusionsIsThePrimary() {
        Random random = new Random(43);
        HashRing ring = HashRing.of(RingConfig.defaults(), HashRingTest.randomIds(random, 7));
        for (int k = 0; k < 10_000; k++) {
            long id = random.nextLong() & Long.MAX_VALUE;
            assertEquals(ring.serverFor(id), ring.nextServerAfter(id, 0L));
        }
    }

    @Test
    void nextServerAfterReturnsTheFirstServerOfTheWalkThatIsNotExcluded() {
        Random random = new Random(47);
        for (int trial = 0; trial < 200; trial++) {
            HashRing ring = HashRing.of(RingConfig.defaults(), HashRingTest.randomIds(random, 1 + random.nextInt(56)));
            long id = random.nextLong() & Long.MAX_VALUE;
            long excluded = random.nextLong() & random.nextLong(); // about a quarter of the ids excluded
            int expected = Arrays.stream(ring.walk(id)).filter(s -> (excluded & (1L << s)) == 0).findFirst()
                    .orElse(HashRing.NO_SERVER);
            assertEquals(expected, ring.nextServerAfter(id, excluded));
        }
    }

    @Test
    void retryingWithGrowingExclusionsVisitsTheWalkInOrder() {
        HashRing ring = HashRing.of(RingConfig.defaults(), List.of(1, 2, 3, 4, 5));
        long id = 424242;
        long excluded = 0;
        int[] visited = new int[5];
        for (int attempt = 0; attempt < 5; attempt++) {
            visited[attempt] = ring.nextServerAfter(id, excluded);
            excluded |= 1L << visited[attempt];
        }
        assertArrayEquals(ring.walk(id), visited);
        assertEquals(HashRing.NO_SERVER, ring.nextServerAfter(id, excluded));
    }

    @Test
    void serversWithIdsOfSixtyFourOrMoreCannotBeExcluded() {
        HashRing ring = HashRing.of(RingConfig.defaults(), List.of(1, 100));
        assertEquals(100, ring.nextServerAfter(5, -1L));
    }

    /** The definition: owners of the slots from the request's slot clockwise, first occurrence of each. */
    private static int[] clockwiseOwners(HashRing ring, long requestId) {
        int slots = ring.config().slots();
        Set<Integer> seen = new LinkedHashSet<>();
        for (int step = 0; step < slots; step++) {
            int owner = ring.ownerOfSlot((ring.slotOf(requestId) + step) % slots);
            if (owner != HashRing.NO_SERVER) {
                seen.add(owner);
            }
        }
        return seen.stream().mapToInt(Integer::intValue).toArray();
    }
}
