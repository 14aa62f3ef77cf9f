package lb.balancer.routing;

import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where randomized strategies get their coin flips: {@link ThreadLocalRandom} in production (no shared state between
 * the data path's threads), a seeded generator in tests and simulations so that runs repeat exactly.
 */
public interface RandomSource {

    /** A uniformly distributed int in {@code [0, bound)}; {@code bound} is positive. */
    int nextInt(int bound);

    /** A uniformly distributed double in {@code [0, 1)}. */
    double nextDouble();

    /** Thread-safe and contention-free: each thread uses its own {@link ThreadLocalRandom}. */
    static RandomSource threadLocal() {
        return ThreadLocalSource.INSTANCE;
    }

    /**
     * A deterministic sequence from {@code seed}. <b>Not thread-safe</b>: for single-threaded tests and simulations.
     */
    static RandomSource seeded(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return new RandomSource() {
            @Override
            public int nextInt(int bound) {
                return random.nextInt(bound);
            }

            @Override
            public double nextDouble() {
                return random.nextDouble();
            }
        };
    }

    /** An enum singleton, so the production source is a constant the JIT can inline through. */
    enum ThreadLocalSource implements RandomSource {
        INSTANCE;

        @Override
        public int nextInt(int bound) {
            return ThreadLocalRandom.current().nextInt(bound);
        }

        @Override
        public double nextDouble() {
            return ThreadLocalRandom.current().nextDouble();
        }
    }
}
