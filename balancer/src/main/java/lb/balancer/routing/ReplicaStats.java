package lb.balancer.routing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import lb.balancer.replica.ForwardListener;
import lb.balancer.replica.Replica;
import lb.balancer.replica.ReplicaIndex;

/**
 * What the forwarding path measures about each replica, for the strategies that learn: requests in flight, a peak
 * EWMA of response time (Finagle/Linkerd style) and a plain exponential moving average (EMA) of response time.
 * Fed by the data path as its {@link ForwardListener}; no extra probes.
 *
 * <h2>Keys</h2>
 * Stats are keyed by the {@link Replica} value (record equality: name, id, address, region), so a replacement of a
 * dead replica at a new address starts fresh instead of inheriting the dead one's failures. Stats of replicas that
 * left the membership are dropped by {@link #forget} (the balancer calls it for every replica that leaves) or
 * {@link #retain}; attempts that end after their replica was dropped are ignored.
 *
 * <h2>Signals</h2>
 * <ul>
 *   <li><b>In flight:</b> +1 on {@link #started}, −1 on {@link #finished}, never below zero (a replica dropped and
 *       re-added while requests were out must not go negative).</li>
 *   <li><b>Peak EWMA</b> with time constant {@code decay}: a sample above the current value replaces it at once
 *       (a replica that slows down is avoided on the next pick); a lower sample is blended in with weight
 *       {@code 1 − e^(−Δt/decay)}, Δt being the time since the previous sample. Reads decay the value towards zero
 *       with the same time constant, so a replica nobody sends to looks better and better until it is tried again.
 *       </li>
 *   <li><b>EMA</b> with smoothing factor α: {@code ema ← α·sample + (1 − α)·ema}, per sample, whatever the time.</li>
 * </ul>
 * A failed attempt ({@link Outcome#CONNECT_FAILED}, {@link Outcome#TIMED_OUT}) counts as a response time of at least
 * {@code failurePenalty}: a replica that refuses connections in a microsecond must not look like the fastest.
 * Latencies are unmeasured ({@link Double#NaN}) until the first sample.
 *
 * <h2>Threading</h2>
 * {@link #started} and {@link #finished} run on the data path's event-loop threads: they are lock-free (a
 * {@link ReplicaIndex} read, then atomic adds and compare-and-set loops on plain fields through
 * {@link VarHandle}s) and never block; only the first sight of a replica inserts into the map. Reads are plain
 * volatile reads; a reader may see the peak EWMA's timestamp and value from two different updates, which is off by
 * at most one sample's decay.
 */
public final class ReplicaStats implements ForwardListener {

    public static final Duration DEFAULT_DECAY = Duration.ofSeconds(10);
    public static final Duration DEFAULT_FAILURE_PENALTY = Duration.ofSeconds(10);
    public static final double DEFAULT_ALPHA = 0.3;

    private final ReplicaIndex<Stat> byReplica = new ReplicaIndex<>();
    private final LongSupplier clock;
    private final double decayNanos;
    private final long failurePenaltyNanos;
    /** The EMA's smoothing factor; set by the strategy in use ({@link #useEmaAlpha}). */
    private volatile double emaAlpha = DEFAULT_ALPHA;

    /** Real time ({@link System#nanoTime}), a 10 s peak-EWMA decay and a 10 s failure penalty. */
    public ReplicaStats() {
        this(System::nanoTime, DEFAULT_DECAY, DEFAULT_FAILURE_PENALTY);
    }

    /**
     * @param clock          monotonic nanoseconds ({@link System#nanoTime} in production, a fake in simulations)
     * @param decay          the peak EWMA's time constant, positive
     * @param failurePenalty the response time a failed attempt counts as, at least; e.g. the response timeout
     */
    public ReplicaStats(LongSupplier clock, Duration decay, Duration failurePenalty) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (decay.isNegative() || decay.isZero()) {
            throw new IllegalArgumentException("decay must be positive: " + decay);
        }
        this.decayNanos = decay.toNanos();
        this.failurePenaltyNanos = failurePenalty.toNanos();
    }

    @Override
    public void started(Replica replica) {
        stat(replica).start();
    }

    @Override
    public void finished(Replica replica, long nanos, Outcome outcome) {
        Stat stat = byReplica.get(replica);
        if (stat == null) {
            return; // the replica left the membership and its stats were dropped
        }
        stat.finish();
        long sample = outcome == Outcome.RESPONDED ? nanos : Math.max(nanos, failurePenaltyNanos);
        stat.observe(Math.max(sample, 0), clock.getAsLong(), decayNanos, emaAlpha);
    }

    /** Drops the stats of every replica not in {@code live}. Call it when membership changes (off the data path). */
    public void retain(Collection<Replica> live) {
        byReplica.retainAll(live);
    }

    /** Drops the stats of one replica instance that left for good (e.g. from {@code ReplicaPool.onLeave}). */
    public void forget(Replica replica) {
        byReplica.remove(replica);
    }

    /** Sets the EMA's smoothing factor α in {@code (0, 1]} for the samples from now on. */
    public void useEmaAlpha(double alpha) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1]: " + alpha);
        }
        emaAlpha = alpha;
    }

    public double emaAlpha() {
        return emaAlpha;
    }

    /** The clock the samples are stamped with. */
    public long nanoTime() {
        return clock.getAsLong();
    }

    /** Requests to {@code replica} in flight now (0 for an unknown replica). */
    public int inFlight(Replica replica) {
        Stat stat = byReplica.get(replica);
        return stat == null ? 0 : stat.inFlight();
    }

    /** The peak EWMA of response time in nanoseconds, decayed to now; {@code NaN} while unmeasured. */
    public double peakEwmaNanos(Replica replica) {
        Stat stat = byReplica.get(replica);
        return stat == null ? Double.NaN : stat.peakAt(clock.getAsLong(), decayNanos);
    }

    /** The EMA of response time in nanoseconds; {@code NaN} while unmeasured. */
    public double emaNanos(Replica replica) {
        Stat stat = byReplica.get(replica);
        return stat == null ? Double.NaN : stat.ema();
    }

    /** How many replicas have stats (for tests of {@link #retain}). */
    public int size() {
        return byReplica.size();
    }

    double decayNanos() {
        return decayNanos;
    }

    /**
     * The stats of {@code live}, index for index, for a picker to read without map look-ups. Called when a picker is
     * built, off the data path. It drops nothing: {@code live} may be a part of the membership (explicit targeting
     * builds one picker per region), and dropping the rest would leave the other pickers reading counters the data
     * path no longer feeds. Replicas that leave are dropped by {@link #forget} or {@link #retain}.
     */
    Stat[] track(List<Replica> live) {
        Stat[] stats = new Stat[live.size()];
        for (int i = 0; i < stats.length; i++) {
            stats[i] = stat(live.get(i));
        }
        return stats;
    }

    private Stat stat(Replica replica) {
        Stat stat = byReplica.get(replica); // lock-free fast path; computeIfAbsent allocates its lambda and locks
        return stat != null ? stat : byReplica.computeIfAbsent(replica, r -> new Stat());
    }

    /**
     * One replica's counters. Fields are written only through the {@link VarHandle}s (atomic add, compare-and-set)
     * and read as volatiles. Doubles are kept as raw long bits so they can be compared and set atomically.
     */
    static final class Stat {

        private static final long UNMEASURED = Double.doubleToRawLongBits(Double.NaN);
        private static final VarHandle IN_FLIGHT;
        private static final VarHandle PEAK;
        private static final VarHandle STAMP;
        private static final VarHandle EMA;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                IN_FLIGHT = lookup.findVarHandle(Stat.class, "inFlight", int.class);
                PEAK = lookup.findVarHandle(Stat.class, "peakBits", long.class);
                STAMP = lookup.findVarHandle(Stat.class, "stamp", long.class);
                EMA = lookup.findVarHandle(Stat.class, "emaBits", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private volatile int inFlight;
        private volatile long peakBits = UNMEASURED;
        private volatile long stamp;
        private volatile long emaBits = UNMEASURED;

        int inFlight() {
            return inFlight;
        }

        void start() {
            IN_FLIGHT.getAndAdd(this, 1);
        }

        void finish() {
            int current;
            do {
                current = inFlight;
                if (current <= 0) {
                    return;
                }
            } while (!IN_FLIGHT.weakCompareAndSet(this, current, current - 1));
        }

        /** Peak EWMA decayed to {@code now}; NaN while unmeasured. */
        double peakAt(long now, double decayNanos) {
            double value = Double.longBitsToDouble(peakBits);
            long elapsed = now - stamp;
            return elapsed <= 0 ? value : value * Math.exp(-elapsed / decayNanos);
        }

        double ema() {
            return Double.longBitsToDouble(emaBits);
        }

        void observe(double sample, long now, double decayNanos, double alpha) {
            // Claim the interval since the previous sample first, so that two concurrent samples each decay the
            // value over their own share of the time and none is counted twice.
            long previous = (long) STAMP.getAndSet(this, now);
            double weight = Math.exp(-Math.max(0, now - previous) / decayNanos);
            long bits;
            long next;
            do {
                bits = peakBits;
                double value = Double.longBitsToDouble(bits);
                double updated = Double.isNaN(value) || sample > value ? sample : value * weight + sample * (1 - weight);
                next = Double.doubleToRawLongBits(updated);
            } while (!PEAK.weakCompareAndSet(this, bits, next));
            do {
                bits = emaBits;
                double value = Double.longBitsToDouble(bits);
                double updated = Double.isNaN(value) ? sample : alpha * sample + (1 - alpha) * value;
                next = Double.doubleToRawLongBits(updated);
            } while (!EMA.weakCompareAndSet(this, bits, next));
        }
    }
}
