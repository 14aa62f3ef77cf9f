package lb.balancer.routing;

import java.util.Objects;
import lb.hashring.HashPreset;
import lb.hashring.RingConfig;

/**
 * What strategies are built with: the ring settings (for the hashing strategies), the stats the data path feeds
 * (for the strategies that learn) and a source of randomness. One context serves every strategy of a balancer, so
 * switching strategies at run time keeps what was learned.
 *
 * @param ring   the ring's slots, virtual nodes and hash preset ({@code LB_HASH}; {@code PUT /strategy} may pick
 *               another preset for the strategy it builds)
 * @param stats  the balancer's {@link ReplicaStats}, the same instance the front door reports to
 * @param random {@link RandomSource#threadLocal()} in production; seeded in tests
 */
public record StrategyContext(RingConfig ring, ReplicaStats stats, RandomSource random) {

    public StrategyContext {
        Objects.requireNonNull(ring, "ring");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(random, "random");
    }

    /** The same context on a ring with {@code preset} instead (same slots and virtual nodes, same stats). */
    public StrategyContext withPreset(HashPreset preset) {
        return new StrategyContext(new RingConfig(ring.slots(), ring.virtualNodes(), preset), stats, random);
    }

    /** The production context: thread-local randomness. */
    public static StrategyContext of(RingConfig ring, ReplicaStats stats) {
        return new StrategyContext(ring, stats, RandomSource.threadLocal());
    }
}
