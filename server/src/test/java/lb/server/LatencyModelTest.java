package lb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LatencyModelTest {

    private static ServerConfig config(int latency, int jitter, int drift) {
        // A long drift interval keeps the background task out of the way; the tests step the drift themselves.
        return new ServerConfig("1", 0, "default", latency, jitter, drift, 3_600_000, OptionalLong.of(7));
    }

    @Test
    void noKnobsMeansNoDelay() {
        try (LatencyModel model = new LatencyModel(config(0, 0, 0))) {
            assertEquals(0, model.nextDelayMillis());
        }
    }

    @Test
    void fixedLatencyIsExact() {
        try (LatencyModel model = new LatencyModel(config(25, 0, 0))) {
            for (int i = 0; i < 100; i++) {
                assertEquals(25, model.nextDelayMillis());
            }
        }
    }

    @Test
    void jitterStaysWithinItsBoundAndVaries() {
        try (LatencyModel model = new LatencyModel(config(10, 5, 0))) {
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < 1_000; i++) {
                int delay = model.nextDelayMillis();
                assertTrue(delay >= 10 && delay <= 15, "delay " + delay);
                seen.add(delay);
            }
            assertEquals(6, seen.size(), "every value of 10..15 drawn in 1000 tries");
        }
    }

    @Test
    void driftWalksWithinItsRangeAndMoves() {
        try (LatencyModel model = new LatencyModel(config(0, 0, 100))) {
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < 2_000; i++) {
                model.driftOnce();
                int drift = model.driftMillis();
                assertTrue(drift >= 0 && drift <= 100, "drift " + drift);
                assertEquals(drift, model.nextDelayMillis());
                seen.add(drift);
            }
            // Steps of up to 20 ms over 2000 moves visit most of the range; observed: 101 distinct values (seed 7).
            assertTrue(seen.size() > 50, "distinct drift values: " + seen.size());
        }
    }

    @Test
    void seededDriftIsReproducible() {
        try (LatencyModel a = new LatencyModel(config(0, 0, 100)); LatencyModel b = new LatencyModel(config(0, 0, 100))) {
            for (int i = 0; i < 100; i++) {
                a.driftOnce();
                b.driftOnce();
                assertEquals(a.driftMillis(), b.driftMillis());
            }
        }
    }
}
