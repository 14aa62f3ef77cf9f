package lb.balancer.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import lb.balancer.membership.Member;
import lb.balancer.membership.PoolEvent;
import lb.balancer.membership.ReplicaPool;
import lb.balancer.replica.Replica;
import lb.balancer.routing.ReplicaStats;

/**
 * What {@code GET /status} shows: the strategy, each member with its health, its last transition and cause, why its
 * replacement waits (when it does) and what the data path measured; the ready spares; and the recent events of the
 * pool's journal.
 */
final class StatusView {

    /** How many journal events {@code /status} lists. */
    static final int RECENT_EVENTS = 20;

    private StatusView() {}

    static Map<String, Object> of(ReplicaPool pool, ReplicaStats stats) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("strategy", pool.strategy().name());
        message.put("replicas", pool.members().stream().map(m -> row(pool, m, stats)).toList());
        message.put("spares", pool.readySpares());
        message.put("events", pool.journal().recent(RECENT_EVENTS).stream().map(StatusView::event).toList());
        return message;
    }

    /**
     * {@code name}, {@code id}, {@code health} ({@code up}, {@code suspect}, {@code down}), {@code address} (absent
     * while there is no instance), {@code region}, the experiment {@code settings} it was started with (when any),
     * {@code last} (its last transition), {@code blocked} (why a replacement waits, when it does), and for a running
     * instance what the data path measured.
     */
    private static Map<String, Object> row(ReplicaPool pool, Member m, ReplicaStats stats) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", m.name());
        row.put("id", m.spec().id());
        row.put("health", m.health().name().toLowerCase(Locale.ROOT));
        if (m.replica() != null) {
            row.put("address", m.replica().host() + ":" + m.replica().port());
        }
        row.put("region", m.spec().region());
        if (!m.spec().env().isEmpty()) {
            row.put("settings", new TreeMap<>(m.spec().env()));
        }
        pool.journal().last(m.name()).ifPresent(last -> row.put("last", event(last)));
        if (m.health() == Member.Health.DOWN) {
            String blocked = pool.blockedBy(m.name());
            if (blocked != null) {
                row.put("blocked", blocked);
            }
        }
        if (m.replica() != null) {
            row.putAll(measured(stats, m.replica()));
        }
        return row;
    }

    /** An event as JSON: {@code at}, {@code replica}, {@code transition}, {@code cause}, and the optional parts. */
    static Map<String, Object> event(PoolEvent e) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("at", e.at().toString());
        row.put("replica", e.replica());
        row.put("transition", e.transition().name().toLowerCase(Locale.ROOT));
        row.put("cause", e.cause());
        if (e.death() != null) {
            Map<String, Object> death = new LinkedHashMap<>();
            death.put("exitCode", e.death().exitCode());
            death.put("oomKilled", e.death().oomKilled());
            death.put("lastLogLines", e.death().lastLogLines());
            row.put("death", death);
        }
        if (e.duration() != null) {
            row.put(e.transition() == lb.balancer.membership.Transition.BACKOFF ? "waitMs" : "outageMs", e.duration().toMillis());
        }
        return row;
    }

    /** What the data path measured about {@code replica}: requests in flight and response-time averages in ms. */
    private static Map<String, Object> measured(ReplicaStats stats, Replica replica) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("inFlight", stats.inFlight(replica));
        row.put("emaMs", millis(stats.emaNanos(replica)));
        row.put("peakEwmaMs", millis(stats.peakEwmaNanos(replica)));
        return row;
    }

    /** Milliseconds with 3 decimals, or null while unmeasured. */
    private static Double millis(double nanos) {
        return Double.isNaN(nanos) ? null : Math.round(nanos / 1_000.0) / 1_000.0;
    }
}
