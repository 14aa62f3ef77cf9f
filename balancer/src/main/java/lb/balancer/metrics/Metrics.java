package lb.balancer.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The balancer's meters in one Prometheus registry: what {@code GET /metrics} shows. The data path records into
 * meters it resolved once per replica ({@link ForwardMetrics}); everything that can be read off the pool instead
 * (health, spares, in-flight counts) is read at scrape time by {@link #beforeScrape} hooks, so it costs the data
 * path nothing.
 *
 * <p>Thread-safe.
 */
public final class Metrics {

    /** The Prometheus text exposition format, version 0.0.4. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /**
     * Bucket bounds of every duration histogram: from a loopback answer (0.5 ms) to a cold container start (30 s),
     * few enough that recording stays cheap (a search over 18 bounds).
     */
    static final Duration[] BUCKETS = {
        Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2_500),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(20),
        Duration.ofSeconds(30), Duration.ofSeconds(60)
    };

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<Runnable> refreshers = new CopyOnWriteArrayList<>();

    public MeterRegistry registry() {
        return registry;
    }

    /** Runs {@code refresh} before every scrape (to publish gauges read off the pool). */
    public void beforeScrape(Runnable refresh) {
        refreshers.add(refresh);
    }

    /** Every meter in the Prometheus text format. */
    public String scrape() {
        refreshers.forEach(Runnable::run);
        return registry.scrape();
    }
}
