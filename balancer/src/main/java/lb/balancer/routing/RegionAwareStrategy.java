package lb.balancer.routing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import lb.balancer.replica.Replica;

/**
 * Region-aware routing: prefer the region ({@link Replica#region()}) with the best measured latency for its
 * capacity, then power of two choices on in-flight requests inside it.
 *
 * <p>A region's score is {@code latency × (in flight + 1) / replicas}, where latency is the mean peak EWMA
 * ({@link ReplicaStats}) of its measured replicas: the expected wait per unit of capacity. The lowest score wins,
 * so traffic spills to the next region when the preferred one degrades (its latency grows: the peak EWMA reacts
 * on the next slow answer) or fills up (its in-flight count grows). A region is <em>full</em> when its replicas
 * average {@code maxInFlight} requests in flight or more; a full region is only used when every region is.
 * Equal scores go to the region with fewer requests in flight per replica.
 *
 * <p>A region without measurements is probed one request at a time, as peak-ewma probes a replica: it scores 0
 * while it has nothing in flight, so it is tried at once, and a large penalty per request while its probe is out,
 * so it does not take every request until its first answer comes back (a slow new region would otherwise soak up
 * all traffic for one of its response times, up to {@code maxInFlight} per replica).
 *
 * <p>Thread-safe. Region latencies need an exponential per replica, so they are recomputed at most once per
 * {@link #REFRESH_NANOS} (by whichever pick first sees them stale) and shared; in-flight counts are read live on
 * every pick. O(n) per pick.
 */
public final class RegionAwareStrategy implements RoutingStrategy {

    public static final String NAME = "region-aware";
    public static final int DEFAULT_MAX_IN_FLIGHT = 16;
    static final long REFRESH_NANOS = 1_000_000;
    /** Score per in-flight request per replica of a region that has not answered yet: above any measured score. */
    static final double UNMEASURED_PENALTY = PeakEwmaStrategy.UNMEASURED_PENALTY;

    private final ReplicaStats stats;
    private final RandomSource random;
    private final int maxInFlight;

    /** @param maxInFlight in-flight requests per replica at which a region counts as full, at least 1 */
    public RegionAwareStrategy(ReplicaStats stats, RandomSource random, int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1: " + maxInFlight);
        }
        this.stats = stats;
        this.random = random;
        this.maxInFlight = maxInFlight;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Number> params() {
        return Map.of("maxInFlight", maxInFlight);
    }

    @Override
    public Picker picker(List<Replica> live) {
        ReplicaStats.Stat[] all = stats.track(live);
        Map<String, List<Integer>> byRegion = new LinkedHashMap<>();
        for (int i = 0; i < live.size(); i++) {
            byRegion.computeIfAbsent(live.get(i).region(), r -> new ArrayList<>()).add(i);
        }
        Region[] regions = byRegion.values().stream()
                .map(indices -> new Region(new Candidates(indices.stream().map(live::get).toList()),
                        indices.stream().map(i -> all[i]).toArray(ReplicaStats.Stat[]::new)))
                .toArray(Region[]::new);
        return new RegionPicker(regions, stats, random, maxInFlight);
    }

    /** One region's replicas and their stats, index for index. */
    private record Region(Candidates candidates, ReplicaStats.Stat[] stats) {

        /** Mean peak EWMA of the measured replicas at {@code now}; NaN when none is measured. */
        double latency(long now, double decay) {
            double sum = 0;
            int measured = 0;
            for (ReplicaStats.Stat stat : stats) {
                double latency = stat.peakAt(now, decay);
                if (!Double.isNaN(latency)) {
                    sum += latency;
                    measured++;
                }
            }
            return measured == 0 ? Double.NaN : sum / measured;
        }
    }

    private static final class RegionPicker implements Picker {

        private final Region[] regions;
        private final ReplicaStats stats;
        private final RandomSource random;
        private final int maxInFlight;
        private final AtomicLong refreshAt;
        /** Region latencies as of the last refresh; replaced as a whole, never written in place. */
        private volatile double[] latencies;

        RegionPicker(Region[] regions, ReplicaStats stats, RandomSource random, int maxInFlight) {
            this.regions = regions;
            this.stats = stats;
            this.random = random;
            this.maxInFlight = maxInFlight;
            long now = stats.nanoTime();
            this.latencies = latencies(now);
            this.refreshAt = new AtomicLong(now + REFRESH_NANOS);
        }

        @Override
        public Pick pick(RouteRequest request) {
            if (regions.length == 0) {
                return Candidates.NONE_AVAILABLE;
            }
            long excluded = request.excludedIds();
            double[] latency = currentLatencies();
            int best = -1;
            boolean bestFull = true;
            double bestScore = 0;
            double bestLoad = 0;
            for (int r = 0; r < regions.length; r++) {
                Region region = regions[r];
                if (region.candidates().allowed(excluded) == 0) {
                    continue;
                }
                long inFlight = 0;
                for (ReplicaStats.Stat stat : region.stats()) {
                    inFlight += stat.inFlight();
                }
                int size = region.stats().length;
                boolean full = inFlight >= (long) maxInFlight * size;
                double load = (inFlight + 1) / (double) size;
                double score = Double.isNaN(latency[r])
                        ? UNMEASURED_PENALTY * inFlight / size // 0 while idle: one probe at a time
                        : latency[r] * load;
                boolean better = best < 0
                        || (bestFull && !full)
                        || (full == bestFull && (score < bestScore || (score == bestScore && load < bestLoad)));
                if (better) {
                    best = r;
                    bestFull = full;
                    bestScore = score;
                    bestLoad = load;
                }
            }
            if (best < 0) {
                return Candidates.NONE_LEFT;
            }
            return leastBusyOfTwo(regions[best], excluded);
        }

        private Pick leastBusyOfTwo(Region region, long excluded) {
            Candidates candidates = region.candidates();
            long pair = candidates.twoDistinct(excluded, random);
            int a = Candidates.first(pair);
            int b = Candidates.second(pair);
            return candidates.routed[region.stats()[b].inFlight() < region.stats()[a].inFlight() ? b : a];
        }

        private double[] currentLatencies() {
            long now = stats.nanoTime();
            long due = refreshAt.get();
            // One thread wins the refresh; the others keep using the previous figures meanwhile.
            if (now - due >= 0 && refreshAt.compareAndSet(due, now + REFRESH_NANOS)) {
                latencies = latencies(now);
            }
            return latencies;
        }

        private double[] latencies(long now) {
            double[] latency = new double[regions.length];
            for (int r = 0; r < regions.length; r++) {
                latency[r] = regions[r].latency(now, stats.decayNanos());
            }
            return latency;
        }
    }
}
