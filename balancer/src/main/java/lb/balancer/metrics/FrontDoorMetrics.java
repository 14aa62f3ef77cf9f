package lb.balancer.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;
import lb.balancer.forward.DataPathCounters;

/**
 * The front door's own counters (client connections open and refused over {@code LB_MAX_CONNECTIONS}, heads and
 * bodies that missed their deadline, connections whose handling threw, event loops restarted), read at scrape time
 * from the {@link DataPathCounters} the data path keeps anyway: nothing is added to the data path.
 */
public final class FrontDoorMetrics {

    private FrontDoorMetrics() {}

    public static void register(Metrics metrics, DataPathCounters counters) {
        MeterRegistry registry = metrics.registry();
        Gauge.builder("lb_frontdoor_connections_open", counters, DataPathCounters::openConnections)
                .description("Client connections open now").register(registry);
        counter(registry, counters, "lb_frontdoor_connections_refused", DataPathCounters::refusedConnections,
                "Client connections refused because LB_MAX_CONNECTIONS were open");
        counter(registry, counters, "lb_frontdoor_head_timeouts", DataPathCounters::headTimeouts,
                "Client connections closed because a request head did not arrive in time");
        counter(registry, counters, "lb_frontdoor_body_timeouts", DataPathCounters::bodyTimeouts,
                "Client connections closed because a request body did not arrive in time");
        counter(registry, counters, "lb_frontdoor_connection_failures", DataPathCounters::connectionFailures,
                "Client connections closed because their handling threw");
        counter(registry, counters, "lb_frontdoor_loop_restarts", DataPathCounters::loopRestarts,
                "Event loops that died and were replaced");
    }

    private static void counter(MeterRegistry registry, DataPathCounters counters, String name,
            ToDoubleFunction<DataPathCounters> read, String description) {
        FunctionCounter.builder(name, counters, read).description(description).register(registry);
    }
}
