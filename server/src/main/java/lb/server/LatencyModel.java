package lb.server;

import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The simulated response time of {@code /home}: fixed latency + uniform jitter + a drifting component.
 *
 * <p>The drifting component random-walks in {@code [0, driftMillis]}: every {@code driftIntervalMillis} a background
 * task moves it by up to a fifth of its range, so adaptive routing strategies see replicas get faster and slower.
 *
 * <p>Thread-safe: {@link #nextDelayMillis()} is called from request threads; the drift task is the only writer of
 * the drifting part.
 */
final class LatencyModel implements AutoCloseable {

    private final ServerConfig config;
    private final SplittableRandom driftRandom;
    private final long jitterSeed;
    private final ScheduledExecutorService driftTask;
    private volatile int driftMillis;

    LatencyModel(ServerConfig config) {
        this.config = config;
        long seed = config.seed().orElseGet(System::nanoTime);
        this.driftRandom = new SplittableRandom(seed);
        this.jitterSeed = seed ^ 0x9E3779B97F4A7C15L;
        this.driftMillis = config.driftMillis() == 0 ? 0 : driftRandom.nextInt(config.driftMillis() + 1);
        this.driftTask = config.driftMillis() == 0 ? null : startDriftTask();
    }

    /** The delay to apply to the next {@code /home} request, in milliseconds (0 when no knob is set). */
    int nextDelayMillis() {
        int jitter = config.jitterMillis() == 0 ? 0 : JitterSource.next(jitterSeed, config.jitterMillis());
        return config.latencyMillis() + jitter + driftMillis;
    }

    /** The current value of the drifting component. */
    int driftMillis() {
        return driftMillis;
    }

    /** Moves the drifting component one step; called by the background task (and by tests, deterministically). */
    void driftOnce() {
        int range = config.driftMillis();
        int step = Math.max(1, range / 5);
        int next = driftMillis + driftRandom.nextInt(-step, step + 1);
        driftMillis = Math.clamp(next, 0, range);
    }

    private ScheduledExecutorService startDriftTask() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "latency-drift");
            thread.setDaemon(true);
            return thread;
        });
        long interval = config.driftIntervalMillis();
        executor.scheduleAtFixedRate(this::driftOnce, interval, interval, TimeUnit.MILLISECONDS);
        return executor;
    }

    @Override
    public void close() {
        if (driftTask != null) {
            driftTask.shutdownNow();
        }
    }

    /**
     * Per-thread jitter randomness: request threads never contend on one generator. Seeded per thread from the
     * configured seed so a seeded run draws from a reproducible family of streams.
     */
    private static final class JitterSource {
        private static final ThreadLocal<SplittableRandom> RANDOM = new ThreadLocal<>();

        static int next(long seed, int bound) {
            SplittableRandom random = RANDOM.get();
            if (random == null) {
                random = new SplittableRandom(seed ^ Thread.currentThread().threadId());
                RANDOM.set(random);
            }
            return random.nextInt(bound + 1);
        }
    }
}
