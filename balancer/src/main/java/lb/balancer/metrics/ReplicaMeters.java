package lb.balancer.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import lb.balancer.replica.ForwardListener.Outcome;
import lb.balancer.replica.Replica;

/**
 * The data path's meters of one replica, registered once when the replica is first seen, so recording is a field
 * read and an add. Replicas are told apart by their {@code replica} tag (the name); a replacement keeps the name,
 * so its counts go on where the dead one's stopped.
 */
final class ReplicaMeters {

    final String name;
    final int id;
    final Counter picks;
    final Counter retries;
    /** By status class: index 1 for 1xx ... 5 for 5xx (0 is unused). */
    private final Counter[] responses = new Counter[6];
    /** By {@link Outcome} ordinal; null for {@link Outcome#RESPONDED}. */
    private final Counter[] errors = new Counter[Outcome.values().length];
    final Timer latency;

    ReplicaMeters(MeterRegistry registry, Replica replica) {
        this.name = replica.name();
        this.id = replica.id();
        Tags tags = Tags.of("replica", name);
        picks = Counter.builder("lb_replica_picks").description("Attempts sent to the replica (first tries and retries)")
                .tags(tags).register(registry);
        retries = Counter.builder("lb_replica_retries")
                .description("Attempts sent to the replica as a retry, after an earlier replica failed the request")
                .tags(tags).register(registry);
        for (int c = 1; c <= 5; c++) {
            responses[c] = Counter.builder("lb_replica_responses").description("Responses of the replica by status class")
                    .tags(tags).tag("class", c + "xx").register(registry);
        }
        for (Outcome outcome : Outcome.values()) {
            if (outcome != Outcome.RESPONDED) {
                errors[outcome.ordinal()] = Counter.builder("lb_replica_errors")
                        .description("Failed attempts by cause: connect, reset (broken before any response byte), "
                                + "bad_response (not HTTP), timeout")
                        .tags(tags).tag("cause", cause(outcome)).register(registry);
            }
        }
        latency = Timer.builder("lb_replica_latency")
                .description("Time from sending an attempt to the end of the replica's answer, answered attempts only")
                .tags(tags).serviceLevelObjectives(Metrics.BUCKETS).register(registry);
    }

    static String cause(Outcome outcome) {
        return switch (outcome) {
            case CONNECT_FAILED -> "connect";
            case TIMED_OUT -> "timeout";
            default -> outcome.name().toLowerCase(Locale.ROOT);
        };
    }

    boolean isFor(Replica replica) {
        return id == replica.id() && name.equals(replica.name());
    }

    void responded(int status) {
        int c = status / 100;
        if (c >= 1 && c <= 5) responses[c].increment();
    }

    void failed(Outcome outcome) {
        errors[outcome.ordinal()].increment();
    }

    /** What these meters counted so far, for {@code /status}. */
    Traffic traffic() {
        Map<String, Long> byClass = new LinkedHashMap<>();
        for (int c = 1; c <= 5; c++) {
            byClass.put(c + "xx", (long) responses[c].count());
        }
        Map<String, Long> byCause = new LinkedHashMap<>();
        for (Outcome outcome : Outcome.values()) {
            if (outcome != Outcome.RESPONDED) {
                byCause.put(cause(outcome), (long) errors[outcome.ordinal()].count());
            }
        }
        return new Traffic((long) picks.count(), (long) retries.count(), byClass, byCause);
    }
}
