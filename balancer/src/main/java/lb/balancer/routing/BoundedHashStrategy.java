package lb.balancer.routing;

import java.util.List;
import java.util.Map;
import lb.balancer.replica.Replica;
import lb.hashring.HashRing;
import lb.hashring.RingConfig;

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam, 2018): a request goes to its ring server
 * unless that replica already has {@code cap = ⌈c · (total in flight + 1) / n⌉} requests in flight; then to the
 * next distinct replica clockwise that is below the cap. Keys keep their replica while loads are even, and no
 * replica takes a request that would put it above the cap.
 *
 * <p>With {@code c ≥ 1} some replica is always below the cap (if all {@code n} had {@code cap} or more, the total
 * would exceed itself), so the fallback, the first allowed replica clockwise, is only reached when exclusions
 * remove every replica below the cap. Thread-safe; a pick reads each in-flight count once (O(n) to sum them) and
 * walks the ring only past replicas at the cap.
 */
public final class BoundedHashStrategy implements HashingStrategy {

    public static final String NAME = "bounded-hash";
    public static final double DEFAULT_C = 1.25;

    private final RingConfig ringConfig;
    private final ReplicaStats stats;
    private final double c;

    /** @param c the load factor, at least 1 (1.25 lets a replica carry 25% more than the average) */
    public BoundedHashStrategy(RingConfig ringConfig, ReplicaStats stats, double c) {
        if (!(c >= 1)) {
            throw new IllegalArgumentException("c must be at least 1: " + c);
        }
        this.ringConfig = ringConfig;
        this.stats = stats;
        this.c = c;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RingConfig ring() {
        return ringConfig;
    }

    @Override
    public Map<String, Number> params() {
        return Map.of("c", c);
    }

    @Override
    public Picker picker(List<Replica> live) {
        Candidates candidates = new Candidates(live);
        ReplicaStats.Stat[] load = stats.track(live);
        Pick.Routed[] routedById = new Pick.Routed[Replica.MAX_ID + 1];
        ReplicaStats.Stat[] loadById = new ReplicaStats.Stat[Replica.MAX_ID + 1];
        for (int i = 0; i < load.length; i++) {
            routedById[candidates.replicas[i].id()] = candidates.routed[i];
            loadById[candidates.replicas[i].id()] = load[i];
        }
        HashRing ring = HashRing.of(ringConfig, live.stream().map(Replica::id).toList());
        int n = live.size();
        return request -> {
            if (n == 0) {
                return Candidates.NONE_AVAILABLE;
            }
            long total = 0;
            for (ReplicaStats.Stat stat : load) {
                total += stat.inFlight();
            }
            long cap = cap(c, total, n);
            long excluded = request.excludedIds();
            int first = HashRing.NO_SERVER;
            for (int step = 0; step < n; step++) {
                int id = excluded == 0 ? ring.serverFor(request.key()) : ring.nextServerAfter(request.key(), excluded);
                if (id == HashRing.NO_SERVER) {
                    break;
                }
                if (first == HashRing.NO_SERVER) {
                    first = id;
                }
                if (loadById[id].inFlight() < cap) {
                    return routedById[id];
                }
                excluded |= 1L << id;
            }
            return first == HashRing.NO_SERVER ? Candidates.NONE_LEFT : routedById[first];
        };
    }

    /**
     * {@code ⌈c · (total + 1) / n⌉}, the most a replica may carry including the request being placed. The tiny
     * subtraction keeps binary rounding (1.25 · 4 / 5 = 1.0000000000000002) from raising the cap by one.
     */
    public static long cap(double c, long totalInFlight, int n) {
        return (long) Math.ceil(c * (totalInFlight + 1) / n - 1e-9);
    }
}
