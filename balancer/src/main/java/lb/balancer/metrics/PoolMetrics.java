package lb.balancer.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import lb.balancer.health.Heartbeat;
import lb.balancer.health.HeartbeatListener;
import lb.balancer.membership.Member;
import lb.balancer.membership.PoolEvent;
import lb.balancer.membership.ReplicaPool;
import lb.balancer.membership.Transition;
import lb.balancer.replica.Replica;
import lb.balancer.routing.ReplicaStats;

/**
 * The pool's meters. Gauges are read off the pool at scrape time: replicas by health, warm spares ready, and per
 * replica its health ({@code lb_replica_health{state=...}} is 1 for the state it is in, 0 for the others) and its
 * requests in flight. Counters and histograms follow the pool's history and heartbeats: replacements by source
 * (a warm spare or a cold start), detection and replacement durations (defined in {@link PoolHistory}), and heartbeat
 * failures per replica. Nothing here runs on the data path.
 */
public final class PoolMetrics implements PoolHistory.Listener, HeartbeatListener {

    static final List<Member.Health> STATES = List.of(Member.Health.values());

    private final ReplicaPool pool;
    private final ReplicaStats stats;
    private final MeterRegistry registry;
    private final MultiGauge health;
    private final MultiGauge inFlight;
    private final Counter fromSpare;
    private final Counter cold;
    private final Timer detection;
    private final Timer replacement;

    private PoolMetrics(Metrics metrics, ReplicaPool pool, ReplicaStats stats) {
        this.pool = pool;
        this.stats = stats;
        this.registry = metrics.registry();
        for (Member.Health state : STATES) {
            Gauge.builder("lb_pool_replicas", this, m -> m.count(state))
                    .description("Replicas of the pool by health").tag("health", name(state)).register(registry);
        }
        Gauge.builder("lb_pool_spares_ready", pool, ReplicaPool::readySpares)
                .description("Booted warm spares ready to replace a dead replica").register(registry);
        health = MultiGauge.builder("lb_replica_health")
                .description("1 for the replica's health state (up, suspect, down), 0 for the others").register(registry);
        inFlight = MultiGauge.builder("lb_replica_in_flight")
                .description("Requests sent to the replica and not answered yet").register(registry);
        fromSpare = replacements("spare");
        cold = replacements("cold");
        detection = Timer.builder("lb_pool_detection")
                .description("From a replica's first failure seen (suspect) to its being declared dead; 0 when the "
                        + "runtime reported the death")
                .serviceLevelObjectives(Metrics.BUCKETS).register(registry);
        replacement = Timer.builder("lb_pool_replacement")
                .description("From a replica's being declared dead to its replacement taking traffic")
                .serviceLevelObjectives(Metrics.BUCKETS).register(registry);
        metrics.beforeScrape(this::refresh);
    }

    /** Registers the pool's meters in {@code metrics}, following {@code history}; pass it the heartbeats too. */
    public static PoolMetrics register(Metrics metrics, ReplicaPool pool, ReplicaStats stats, PoolHistory history) {
        PoolMetrics m = new PoolMetrics(metrics, pool, stats);
        history.listen(m);
        return m;
    }

    private Counter replacements(String source) {
        return Counter.builder("lb_pool_replacements")
                .description("Dead replicas replaced, by where the new instance came from (a warm spare, a cold start)")
                .tag("source", source).register(registry);
    }

    @Override
    public void detected(PoolEvent dead, Duration took) {
        detection.record(took);
    }

    @Override
    public void replaced(PoolEvent event, Duration took) {
        (event.transition() == Transition.REPLACED_FROM_SPARE ? fromSpare : cold).increment();
        replacement.record(took);
    }

    @Override
    public void heartbeat(Replica replica, Heartbeat beat) {
        if (!beat.ok()) {
            // Off the data path (one heartbeat per interval per replica): the registry's look-up is cheap enough.
            Counter.builder("lb_heartbeat_failures")
                    .description("Heartbeats that failed (timeout, refused, not 200), per replica")
                    .tag("replica", replica.name()).register(registry).increment();
        }
    }

    private int count(Member.Health state) {
        return (int) pool.members().stream().filter(m -> m.health() == state).count();
    }

    /** Publishes one row per member; members that left drop out of the gauges. */
    private void refresh() {
        List<MultiGauge.Row<?>> healthRows = new ArrayList<>();
        List<MultiGauge.Row<?>> inFlightRows = new ArrayList<>();
        for (Member member : pool.members()) {
            for (Member.Health s : STATES) {
                healthRows.add(MultiGauge.Row.of(Tags.of("replica", member.name(), "state", name(s)),
                        s == member.health() ? 1 : 0));
            }
            int n = member.replica() == null ? 0 : stats.inFlight(member.replica());
            inFlightRows.add(MultiGauge.Row.of(Tags.of("replica", member.name()), n));
        }
        health.register(healthRows, true);
        inFlight.register(inFlightRows, true);
    }

    static String name(Member.Health state) {
        return state.name().toLowerCase(Locale.ROOT);
    }
}
