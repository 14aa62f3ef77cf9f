package lb.balancer.api;

import lb.balancer.health.HeartbeatLog;
import lb.balancer.metrics.ForwardMetrics;
import lb.balancer.metrics.Metrics;
import lb.balancer.metrics.PoolHistory;
import lb.balancer.trace.TraceLog;

/**
 * What {@code /status} tells besides the pool's own state: what the data path counted per replica, each replica's
 * last heartbeat, the history of its outages and replacements, and the last traced requests.
 */
public record StatusSources(ForwardMetrics traffic, HeartbeatLog heartbeats, PoolHistory history, TraceLog traces) {

    /** Nothing recorded (for an admin API wired without metrics, as in some tests). */
    public static StatusSources none() {
        return new StatusSources(new ForwardMetrics(new Metrics(), () -> null), new HeartbeatLog(), new PoolHistory(),
                new TraceLog());
    }
}
