package lb.analysis.sim;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import lb.balancer.replica.Replica;
import lb.balancer.routing.Picker;
import lb.balancer.routing.Strategies;

/**
 * The adaptive experiment of SPEC §6 on a {@link Simulation}: rounds of 100 concurrent requests over three
 * replicas whose latencies are 10, 50 and 100 ms, swapped to 100, 50 and 10 ms from round {@link #SWAP_ROUND} on.
 * Replica {@code S1} is the fastest before the swap and {@code S3} after it.
 */
public final class AdaptiveRounds {

    public static final int REQUESTS_PER_ROUND = 100;
    /** The first round sent at the swapped latencies (rounds count from 1). */
    public static final int SWAP_ROUND = 11;

    private static final long[] BEFORE_SWAP_MS = {10, 50, 100};
    private static final long[] AFTER_SWAP_MS = {100, 50, 10};

    private AdaptiveRounds() {}

    /** The modelled latency of {@code replica} (0-based) in {@code round}. */
    public static long latencyMs(int round, int replica) {
        return (round < SWAP_ROUND ? BEFORE_SWAP_MS : AFTER_SWAP_MS)[replica];
    }

    /**
     * Runs {@code rounds} rounds of {@code strategy} (default parameters), each followed by {@code pauseNanos} of
     * idle time. Returns {@code [round][replica]} request counts, with round 1 at index 1 and replica {@code S1} at
     * index 0.
     */
    public static int[][] run(String strategy, Simulation sim, int rounds, long pauseNanos) {
        List<Replica> live = Simulation.replicas(3, "default");
        Picker picker = Strategies.create(strategy, Map.of(), sim.context()).picker(live);
        int[][] counts = new int[rounds + 1][];
        for (int round = 1; round <= rounds; round++) {
            int now = round;
            Map<Replica, Integer> sent = sim.round(picker, live, REQUESTS_PER_ROUND,
                    replica -> latencyMs(now, replica.id() - 1) * Simulation.MS);
            counts[round] = live.stream().mapToInt(sent::get).toArray();
            sim.advanceTo(sim.now() + pauseNanos);
        }
        return counts;
    }

    /** The smallest count of {@code replica} (0-based) over rounds {@code from..to}, inclusive. */
    public static int min(int[][] counts, int replica, int from, int to) {
        int min = Integer.MAX_VALUE;
        for (int round = from; round <= to; round++) {
            min = Math.min(min, counts[round][replica]);
        }
        return min;
    }

    /** The largest count of {@code replica} (0-based) over rounds {@code from..to}, inclusive. */
    public static int max(int[][] counts, int replica, int from, int to) {
        int max = Integer.MIN_VALUE;
        for (int round = from; round <= to; round++) {
            max = Math.max(max, counts[round][replica]);
        }
        return max;
    }

    /** The first round from {@code from} on in which {@code replica} got more requests than each other replica. */
    public static int firstRoundLeading(int[][] counts, int replica, int from) {
        for (int round = from; round < counts.length; round++) {
            int[] sent = counts[round];
            boolean leads = true;
            for (int other = 0; other < sent.length; other++) {
                leads &= other == replica || sent[replica] > sent[other];
            }
            if (leads) {
                return round;
            }
        }
        return Integer.MAX_VALUE;
    }

    /** Every round's counts, for assertion messages: {@code 1=[34, 33, 33] 2=[95, 0, 5] ...}. */
    public static String describe(int[][] counts) {
        StringBuilder out = new StringBuilder();
        for (int round = 1; round < counts.length; round++) {
            out.append(round).append('=').append(Arrays.toString(counts[round])).append(' ');
        }
        return out.toString();
    }
}
