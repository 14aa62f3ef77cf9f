package lb.analysis.load;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one run: every request's {@link Outcome} (in workload order; null for the unsent), the latencies of
 * the answered ones in an HdrHistogram (microseconds, 3 significant digits), the requests that could not be sent,
 * and the errors grouped by cause. Immutable once built.
 */
public final class LoadResult {

    /** Latencies up to 10 minutes are recorded exactly to 3 significant digits. */
    static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final Outcome[] outcomes;
    private final Histogram latencyMicros;
    private final int unsent;
    private final long wallNanos;
    private final Map<String, Integer> errors;
    private final long startNanos;

    LoadResult(Outcome[] outcomes, Histogram latencyMicros, int unsent, long wallNanos, long startNanos) {
        this.startNanos = startNanos;
        this.outcomes = outcomes;
        this.latencyMicros = latencyMicros;
        this.unsent = unsent;
        this.wallNanos = wallNanos;
        Map<String, Integer> byCause = new TreeMap<>();
        for (Outcome outcome : outcomes) {
            if (outcome != null && !outcome.ok()) {
                byCause.merge(Failure.group(outcome.failure(), outcome.status()), 1, Integer::sum);
            }
        }
        this.errors = java.util.Collections.unmodifiableMap(byCause);
    }

    /** Every request's outcome, in workload order, the unsent left out. */
    public List<Outcome> outcomes() {
        return Arrays.stream(outcomes).filter(java.util.Objects::nonNull).toList();
    }

    /** The answered requests' latencies in microseconds (a copy). */
    public Histogram latencyMicros() {
        return latencyMicros.copy();
    }

    /** Requests sent (answered, failed or timed out): the workload minus the unsent. */
    public int sent() {
        return outcomes.length - unsent;
    }

    /** Requests answered with a status below 400. */
    public int succeeded() {
        return (int) Arrays.stream(outcomes).filter(o -> o != null && o.ok()).count();
    }

    public int failed() {
        return sent() - succeeded();
    }

    /** Open loop only: requests given up because no connection was free within the timeout of their due time. */
    public int unsent() {
        return unsent;
    }

    /** Errors by cause: {@code status 503}, {@code timeout}, {@code connect}, {@code reset}; sorted by name. */
    public Map<String, Integer> errors() {
        return errors;
    }

    /** {@link System#nanoTime()} when the run's clock started: the zero of every {@link Outcome}'s times. */
    public long startNanos() {
        return startNanos;
    }

    /** From the first request's due time to the last answer. */
    public long wallNanos() {
        return wallNanos;
    }

    /** Requests sent per second of wall time. */
    public double throughput() {
        return wallNanos == 0 ? 0 : sent() / (wallNanos / 1e9);
    }

    /** The latency at {@code percentile} (0-100) of the answered requests, in ms; 0 when none was answered. */
    public double percentileMillis(double percentile) {
        return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(percentile) / 1e3;
    }

    public double meanMillis() {
        return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getMean() / 1e3;
    }

    /** Requests answered per replica name ({@code X-Served-By}), sorted by name. */
    public Map<String, Integer> servedBy() {
        Map<String, Integer> counts = new TreeMap<>();
        for (Outcome outcome : outcomes) {
            if (outcome != null && outcome.ok() && outcome.servedBy() != null) {
                counts.merge(outcome.servedBy(), 1, Integer::sum);
            }
        }
        return counts;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%d sent, %d failed %s, %d unsent, %.0f req/s, p50 %.2f ms, "
                        + "p99 %.2f ms", sent(), failed(), errors, unsent, throughput(), percentileMillis(50),
                percentileMillis(99));
    }
}
