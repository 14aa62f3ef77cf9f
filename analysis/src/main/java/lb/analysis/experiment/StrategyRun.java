package lb.analysis.experiment;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import lb.analysis.load.LoadResult;
import org.HdrHistogram.Histogram;

/**
 * One strategy on one workload: throughput, latency percentiles, errors and the spread of requests over replicas.
 *
 * @param workload    which replica set
 * @param strategy    the strategy (or client-side choice) measured
 * @param requests    requests sent
 * @param throughput  requests per second; NaN offline (the simulator has no real time)
 * @param latencyMicros latencies of the answered requests
 * @param errors      failed requests
 * @param perReplica  requests answered per replica name
 */
public record StrategyRun(String workload, String strategy, int requests, double throughput, Histogram latencyMicros,
                          int errors, Map<String, Integer> perReplica) {

    public static StrategyRun of(String workload, String strategy, LoadResult load, List<String> replicas) {
        Map<String, Integer> per = new TreeMap<>();
        replicas.forEach(r -> per.put(r, 0));
        load.servedBy().forEach((name, count) -> per.merge(name, count, Integer::sum));
        return new StrategyRun(workload, strategy, load.sent(), load.throughput(), load.latencyMicros(),
                load.failed(), per);
    }

    public double percentileMs(double p) {
        return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(p) / 1e3;
    }

    public double meanMs() {
        return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getMean() / 1e3;
    }

    public double errorRate() {
        return requests == 0 ? 0 : errors / (double) requests;
    }

    /** Most requests on one replica over the mean per replica (1 = even). */
    public double spread() {
        double mean = perReplica.values().stream().mapToInt(Integer::intValue).average().orElse(0);
        int max = perReplica.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return mean == 0 ? 0 : max / mean;
    }
}
