package lb.balancer.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import lb.balancer.replica.ForwardListener;
import lb.balancer.replica.Replica;
import lb.balancer.routing.RoutingStrategy;

/**
 * Counts what the data path does, as one more {@link ForwardListener}: per replica the picks, retries, responses by
 * status class, errors by cause and the latency of answered attempts; and picks per routing strategy.
 *
 * <p>Cheap by construction (it runs on the event loops for every attempt): a replica's meters are resolved once and
 * kept in a slot indexed by the replica id (ids are 1..{@value Replica#MAX_ID}), so finding them is an array read and
 * a name compare, never a map look-up or a tag lookup; the strategy's counter is swapped only when the strategy
 * object changes. Nothing is allocated per request.
 */
public final class ForwardMetrics implements ForwardListener {

    private final MeterRegistry registry;
    private final Supplier<RoutingStrategy> strategy;
    private final AtomicReferenceArray<ReplicaMeters> byId = new AtomicReferenceArray<>(Replica.MAX_ID + 1);
    /** The same meters by replica name, for {@link #traffic}; written on first sight only. */
    private final Map<String, ReplicaMeters> byName = new ConcurrentHashMap<>();
    private volatile StrategyPicks picks;

    /** The current strategy and its pick counter, swapped together. */
    private record StrategyPicks(RoutingStrategy strategy, Counter counter) {}

    /** @param strategy the strategy in use now (read per attempt; a plain volatile read in the pool) */
    public ForwardMetrics(Metrics metrics, Supplier<RoutingStrategy> strategy) {
        this.registry = metrics.registry();
        this.strategy = strategy;
    }

    @Override
    public void started(Replica replica) {
        started(replica, 1);
    }

    @Override
    public void started(Replica replica, int attempt) {
        ReplicaMeters m = meters(replica);
        m.picks.increment();
        if (attempt > 1) m.retries.increment();
        strategyPicks().increment();
    }

    @Override
    public void responded(Replica replica, int status) {
        meters(replica).responded(status);
    }

    @Override
    public void finished(Replica replica, long nanos, Outcome outcome) {
        ReplicaMeters m = meters(replica);
        if (outcome == Outcome.RESPONDED) {
            m.latency.record(Math.max(nanos, 0), TimeUnit.NANOSECONDS);
        } else {
            m.failed(outcome);
        }
    }

    private ReplicaMeters meters(Replica replica) {
        ReplicaMeters m = byId.get(replica.id());
        return m != null && m.isFor(replica) ? m : resolve(replica);
    }

    /** First sight of a replica (or of a new name under a reused id): registers its meters. Rare. */
    private synchronized ReplicaMeters resolve(Replica replica) {
        ReplicaMeters m = byId.get(replica.id());
        if (m == null || !m.isFor(replica)) {
            m = new ReplicaMeters(registry, replica); // a name seen before gets its registered meters back
            byId.set(replica.id(), m);
            byName.put(m.name, m);
        }
        return m;
    }

    /** What was counted for the replica called {@code name} so far ({@link Traffic#NONE} before its first pick). */
    public Traffic traffic(String name) {
        ReplicaMeters m = byName.get(name);
        return m == null ? Traffic.NONE : m.traffic();
    }

    private Counter strategyPicks() {
        StrategyPicks p = picks;
        RoutingStrategy now = strategy.get();
        if (p == null || p.strategy() != now) {
            p = new StrategyPicks(now, Counter.builder("lb_strategy_picks")
                    .description("Replicas picked, by the routing strategy that picked them")
                    .tag("strategy", now.name()).register(registry));
            picks = p;
        }
        return p.counter();
    }
}
