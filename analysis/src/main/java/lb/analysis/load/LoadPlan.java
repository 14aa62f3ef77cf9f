package lb.analysis.load;

import java.time.Duration;

/**
 * How a run sends its workload.
 *
 * <ul>
 *   <li><b>Closed loop</b> ({@code rate = 0}): {@code concurrency} connections, each sending its next request as
 *       soon as the previous answer is complete. Throughput is what the system gives; a stall slows the sender
 *       down, so it records few samples during it.</li>
 *   <li><b>Open loop</b> ({@code rate > 0}): request {@code i} is due at {@code i / rate} seconds, whatever the
 *       answers, over at most {@code concurrency} connections (wrk2's model). A request that finds every connection
 *       busy waits, and its latency counts from when it was due; one still unsent {@code timeout} after it was due
 *       is given up and counted as <em>unsent</em>, apart from the errors.</li>
 * </ul>
 *
 * @param concurrency connections (closed loop: requests in flight), at least 1
 * @param rate        requests per second for the open loop; 0 for the closed loop
 * @param timeout     how long a request may take to be answered (and, open loop, to be sent)
 */
public record LoadPlan(int concurrency, double rate, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public LoadPlan {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1: " + concurrency);
        }
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rate must be 0 (closed loop) or a positive number: " + rate);
        }
    }

    public static LoadPlan closed(int concurrency) {
        return new LoadPlan(concurrency, 0, DEFAULT_TIMEOUT);
    }

    public static LoadPlan open(double rate, int connections) {
        return new LoadPlan(connections, rate, DEFAULT_TIMEOUT);
    }

    public boolean openLoop() {
        return rate > 0;
    }

    public LoadPlan withConcurrency(int concurrency) {
        return new LoadPlan(concurrency, rate, timeout);
    }

    public LoadPlan withTimeout(Duration timeout) {
        return new LoadPlan(concurrency, rate, timeout);
    }
}
