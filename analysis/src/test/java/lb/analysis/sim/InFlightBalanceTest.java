package lb.analysis.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import lb.balancer.replica.Replica;
import lb.balancer.routing.LeastConnectionsStrategy;
import lb.balancer.routing.Picker;
import lb.balancer.routing.PowerOfTwoStrategy;
import lb.balancer.routing.RoundRobinStrategy;
import lb.balancer.routing.Strategies;
import org.junit.jupiter.api.Test;

/**
 * The load-aware strategies keep in-flight counts even when one replica is slow. Five replicas, four answering in
 * 10 ms and {@code S5} in 100 ms; an open-loop load of one request every 0.5 ms (2,000 per second) for 10 s of
 * fake time; seeded (42). If in-flight counts were equal, S5 would finish a tenth as many requests as each fast
 * replica: 1/41 ≈ 2.4% of the traffic. Round robin, blind to load, is the contrast that shows the workload does
 * pile requests onto the slow replica.
 */
class InFlightBalanceTest {

    private static final int REQUESTS = 20_000;
    private static final long ARRIVAL_EVERY = Simulation.MS / 2;
    private static final int SLOW = 4; // index of S5

    /**
     * @param share           fraction of the requests each replica got, in {@code S1..S5} order
     * @param maxSpread       the largest {@code max − min} of in-flight counts seen just before any pick
     * @param maxSlowInFlight the most requests in flight to S5 seen just before any pick
     */
    private record Balance(double[] share, int maxSpread, int maxSlowInFlight) {
        @Override
        public String toString() {
            return "share " + Arrays.toString(share) + ", max spread " + maxSpread + ", max in flight to S5 "
                    + maxSlowInFlight;
        }
    }

    private static Balance run(String strategy) {
        Simulation sim = new Simulation(42);
        List<Replica> live = Simulation.replicas(5, "default");
        Picker picker = Strategies.create(strategy, Map.of(), sim.context()).picker(live);
        int[] maxSpread = {0};
        int[] maxSlow = {0};
        Map<Replica, Integer> sent = sim.steady(picker, live, REQUESTS, ARRIVAL_EVERY, Simulation.uniformKeys(1),
                replica -> (replica.id() == 5 ? 100 : 10) * Simulation.MS,
                (picked, before) -> {
                    int max = Arrays.stream(before).max().orElseThrow();
                    int min = Arrays.stream(before).min().orElseThrow();
                    maxSpread[0] = Math.max(maxSpread[0], max - min);
                    maxSlow[0] = Math.max(maxSlow[0], before[SLOW]);
                });
        double[] share = live.stream().mapToDouble(r -> sent.get(r) / (double) REQUESTS).toArray();
        return new Balance(share, maxSpread[0], maxSlow[0]);
    }

    @Test
    void leastConnectionsKeepsInFlightCountsWithinFourOfEachOther() {
        Balance balance = run(LeastConnectionsStrategy.NAME);

        // Observed: S5 got 553 of 20,000 (2.8%); the fast ones 4830..4901 each.
        assertTrue(balance.share()[SLOW] <= 0.04, balance.toString());
        // Observed: max spread 4 (about 5 in flight per replica on average); S5 never above 6.
        assertTrue(balance.maxSpread() <= 6, balance.toString());
        assertTrue(balance.maxSlowInFlight() <= 8, balance.toString());
    }

    @Test
    void powerOfTwoKeepsInFlightCountsWithinEightOfEachOther() {
        Balance balance = run(PowerOfTwoStrategy.NAME);

        // Observed: S5 got 675 of 20,000 (3.4%); the fast ones 4808..4859 each.
        assertTrue(balance.share()[SLOW] <= 0.05, balance.toString());
        // Observed: max spread 8; S5 never above 9. Two random choices see less than a full scan, so wider.
        assertTrue(balance.maxSpread() <= 12, balance.toString());
        assertTrue(balance.maxSlowInFlight() <= 12, balance.toString());
    }

    @Test
    void roundRobinPilesRequestsOntoTheSlowReplicaUnderTheSameLoad() {
        Balance balance = run(RoundRobinStrategy.NAME);

        // Observed: exactly 20% each; max spread 41, with up to 44 in flight to S5.
        assertTrue(balance.share()[SLOW] >= 0.19, balance.toString());
        assertTrue(balance.maxSpread() >= 30, balance.toString());
    }
}
