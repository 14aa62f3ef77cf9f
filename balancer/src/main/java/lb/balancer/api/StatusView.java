package lb.balancer.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import lb.balancer.membership.Member;
import lb.balancer.membership.PoolEvent;
import lb.balancer.membership.ReplicaPool;
import lb.balancer.metrics.PoolHistory;
import lb.balancer.metrics.Traffic;
import lb.balancer.replica.Replica;
import lb.balancer.routing.ReplicaStats;

/**
 * What {@code GET /status} shows: the strategy, and each member's story (HAProxy's stats page is the anchor): its
 * health, its last transition with time and cause, why its replacement waits (when it does), its picks and responses
 * by class, its last heartbeat, its downtime so far and how often it was replaced, and what the data path measured;
 * the ready spares; and the recent events of the pool's journal. docs/api.md lists every field.
 */
final class StatusView {

    /** How many journal events {@code /status} lists. */
    static final int RECENT_EVENTS = 20;

    private StatusView() {}

    static Map<String, Object> of(ReplicaPool pool, ReplicaStats stats, StatusSources sources) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("strategy", pool.strategy().name());
        message.put("replicas", pool.members().stream().map(m -> row(pool, m, stats, sources)).toList());
        message.put("spares", pool.readySpares());
        message.put("events", pool.journal().recent(RECENT_EVENTS).stream().map(StatusView::event).toList());
        message.put("traces", sources.traces().recent().stream().map(TraceView::of).toList());
        return message;
    }

    /**
     * {@code name}, {@code id}, {@code health} ({@code up}, {@code suspect}, {@code down}), {@code address} (absent
     * while there is no instance), {@code region}, the experiment {@code settings} it was started with (when any),
     * {@code last} (its last transition), {@code blocked} (why a replacement waits, when it does), its story (see
     * {@link #story}), and for a running instance what the data path measured.
     */
    private static Map<String, Object> row(ReplicaPool pool, Member m, ReplicaStats stats, StatusSources sources) {
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
        row.putAll(story(m.name(), sources));
        if (m.replica() != null) {
            row.putAll(measured(stats, m.replica()));
        }
        return row;
    }

    /**
     * What happened to the replica called {@code name} (whichever instance ran under it): {@code picks},
     * {@code retries}, {@code responses} by class, {@code errors} by cause, {@code heartbeat} (the last one:
     * {@code at}, {@code ok}, {@code result}, {@code ms}; absent before the first), {@code downtimeMs} (out of the
     * ring in all, the current outage included), {@code outSince} (when out now) and {@code timesReplaced}.
     */
    private static Map<String, Object> story(String name, StatusSources sources) {
        Map<String, Object> row = new LinkedHashMap<>();
        Traffic traffic = sources.traffic().traffic(name);
        row.put("picks", traffic.picks());
        row.put("retries", traffic.retries());
        row.put("responses", traffic.responses());
        row.put("errors", traffic.errors());
        sources.heartbeats().last(name).ifPresent(beat -> {
            Map<String, Object> heartbeat = new LinkedHashMap<>();
            heartbeat.put("at", beat.at().toString());
            heartbeat.put("ok", beat.ok());
            heartbeat.put("result", beat.result());
            heartbeat.put("ms", Math.round(beat.took().toNanos() / 1_000.0) / 1_000.0);
            row.put("heartbeat", heartbeat);
        });
        PoolHistory.Story story = sources.history().story(name);
        row.put("downtimeMs", story.downtime().toMillis());
        if (story.outSince() != null) {
            row.put("outSince", story.outSince().toString());
        }
        row.put("timesReplaced", story.timesReplaced());
        return row;
    }

    /** An event as JSON: {@code at}, {@code replica}, {@code transition}, {@code cause}, and the optional parts. */
    static Map<String, Object> event(PoolEvent e) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("at", e.at().toString());
        row.put("replica", e.replica());
        row.put("transition", e.transition().name().toLowerCase(Locale.ROOT));
        row.put("cause", e.cause());
        row.put("summary", summary(e));
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

    /**
     * The event in a few words, as an operator would say it: {@code heartbeat timeout x2},
     * {@code docker die event, exit 137}, {@code connect failed while forwarding},
     * {@code replaced from spare in 48 ms}.
     */
    static String summary(PoolEvent e) {
        String took = e.duration() == null ? "" : " in " + e.duration().toMillis() + " ms";
        return switch (e.transition()) {
            case DEAD -> e.death() == null ? e.cause() : e.cause() + ", " + e.death().summary();
            case REPLACED_FROM_SPARE -> "replaced from spare" + took;
            case REPLACED_COLD -> "replaced by a cold start" + took;
            case BACKOFF -> e.duration() == null ? e.cause() : e.cause() + ", next try in " + e.duration().toMillis()
                    + " ms";
            default -> e.cause();
        };
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
