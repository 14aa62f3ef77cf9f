package lb.analysis.sim;

import static lb.analysis.sim.AdaptiveRounds.SWAP_ROUND;
import static org.junit.jupiter.api.Assertions.assertTrue;

import lb.balancer.routing.EpsilonGreedyStrategy;
import lb.balancer.routing.PeakEwmaStrategy;
import org.junit.jupiter.api.Test;

/**
 * The strategies that learn latencies, on {@link AdaptiveRounds}: three replicas at 10, 50 and 100 ms whose
 * latencies swap at round 11, rounds of 100 concurrent requests, seeded (42) and on a fake clock. The bounds sit
 * beside the numbers observed with that seed; the simulation is deterministic, so they only move when a strategy
 * does. Replica indices: 0 is {@code S1} (fastest before the swap), 2 is {@code S3} (fastest after it).
 */
class AdaptiveStrategyTest {

    private static final int S1 = 0;
    private static final int S3 = 2;

    /**
     * ε = 0.05 exploits the lowest EMA 95% of the time. Round 1 has no measurements (every replica gets a probe,
     * then the rest is spread), so learning shows from round 2. After the swap, round 11 still trusts the old EMAs,
     * round 12 has measured S1's slowdown but not yet S3's speed-up (S3 was rarely explored, so its EMA is still
     * ~100 ms) and goes to S2; from round 13 the explorations have found S3.
     */
    @Test
    void epsilonGreedySendsMostTrafficToTheFastestAndFollowsASwapWithinTwoRounds() {
        int[][] counts = AdaptiveRounds.run(EpsilonGreedyStrategy.NAME, new Simulation(42), 60, 0);
        String observed = AdaptiveRounds.describe(counts);

        // Observed: S1 got 88..98 of 100 in rounds 2-10.
        assertTrue(AdaptiveRounds.min(counts, S1, 2, SWAP_ROUND - 1) >= 80, observed);
        // Observed: S1 got 0..6 from round 12 on (4 in round 12): one round of slow answers suffices to leave it.
        assertTrue(AdaptiveRounds.max(counts, S1, SWAP_ROUND + 1, 60) <= 10, observed);
        // Observed: S3 got 90..98 of 100 in rounds 13-60.
        assertTrue(AdaptiveRounds.min(counts, S3, SWAP_ROUND + 2, 60) >= 80, observed);
    }

    /**
     * Peak EWMA is power of two choices on {@code latency × (in flight + 1)}, so with three replicas the fastest is
     * in the drawn pair only 2/3 of the time: 2/3 is its ceiling, not 80%. A slowdown is seen on the next answer
     * (the peak EWMA jumps to a slower sample), but a speed-up is blended in with the decay's time constant (10 s),
     * so winning traffic back takes about 10 s of time, not a number of rounds. The rounds here are one second
     * apart, as a client sending 100 concurrent requests per second would send them; back-to-back rounds of
     * ~100 ms would need ~100 rounds for the same 10 s.
     */
    @Test
    void peakEwmaFavoursTheFastestAndFollowsASwapWithinOneDecayTime() {
        int[][] counts = AdaptiveRounds.run(PeakEwmaStrategy.NAME, new Simulation(42), 40, 1_000 * Simulation.MS);
        String observed = AdaptiveRounds.describe(counts);

        // Observed: S1 got 59..73 of 100 in rounds 2-10 (the power-of-two ceiling is ~67).
        assertTrue(AdaptiveRounds.min(counts, S1, 2, SWAP_ROUND - 1) >= 55, observed);
        // Observed: the slowest, S3, got 100 of 900 (11%) over rounds 2-10.
        int slowest = 0;
        for (int round = 2; round < SWAP_ROUND; round++) {
            slowest += counts[round][S3];
        }
        assertTrue(slowest <= 135, "S3 got " + slowest + " of 900; " + observed);
        // Observed: S1 dropped from 71 (round 11) to 24 in round 12 and stayed at 10..24 after.
        assertTrue(AdaptiveRounds.max(counts, S1, SWAP_ROUND + 1, 40) <= 30, observed);
        // Observed: S3 leads from round 19, 8 s after the swap; the bound is one decay time (10 rounds).
        int leading = AdaptiveRounds.firstRoundLeading(counts, S3, SWAP_ROUND);
        assertTrue(leading <= SWAP_ROUND + 10, "S3 leads from round " + leading + "; " + observed);
        // Observed: S3 got 55..70 of 100 in rounds 25-40.
        assertTrue(AdaptiveRounds.min(counts, S3, 25, 40) >= 50, observed);
    }
}
