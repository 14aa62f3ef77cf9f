package lb.balancer.routing;

import java.util.*;
import org.junit.jupiter.api.Test;

class ProbeSimTest {
    @Test
    void adaptive() {
        for (String name : List.of("epsilon-greedy", "peak-ewma", "power-of-two", "least-connections", "round-robin", "region-aware", "bounded-hash")) {
            Simulation sim = new Simulation(42);
            List<Replica> live = Simulation.replicas(3, "default");
            Picker picker = Strategies.create(name, Map.of(), sim.context()).picker(live);
            long[] lat = {10, 50, 100};
            StringBuilder out = new StringBuilder(name + ":");
            for (int round = 1; round <= 60; round++) {
                if (round == 11) { lat = new long[] {100, 50, 10}; }
                long[] l = lat;
                Map<Replica, Integer> c = sim.round(picker, live, 100, r -> l[r.id() - 1] * Simulation.MS);
                out.append(" ").append(round).append("=").append(c.values());
            }
            System.out.println(out);
        }
    }
}
