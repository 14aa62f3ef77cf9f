package lb.balancer.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import lb.balancer.membership.PoolEvent;

/**
 * What each replica's journal events add up to: its downtime so far, how many times it was replaced, and, as each
 * outage moves on, how long detecting and replacing took. Built from {@link PoolEvent}s and their times alone, so it
 * always agrees with the journal and {@code /status}.
 *
 * <p>An outage starts when a replica in the ring becomes {@code SUSPECT} or {@code DEAD} and ends when it is
 * {@code CLEARED}, {@code RETURNED} or replaced. Of an outage that ends in a replacement:
 * <ul>
 *   <li><b>detection</b> is from the first failure seen ({@code SUSPECT}) to {@code DEAD}; zero when the replica was
 *       declared dead at once (the runtime saw it exit). A replica found dead at start-up has no detection.</li>
 *   <li><b>replacement</b> is from {@code DEAD} to {@code REPLACED_FROM_SPARE} / {@code REPLACED_COLD} (the event's
 *       own duration, measured by the healer).</li>
 * </ul>
 *
 * <p>Thread-safe: the journal calls {@link #accept} on the membership thread, {@code /status} reads from request
 * threads. Listeners are called on the journal's thread and must be quick.
 */
public final class PoolHistory implements Consumer<PoolEvent> {

    /** Told as each detection and replacement completes (the metrics' histograms). */
    public interface Listener {
        void detected(PoolEvent dead, Duration detection);

        void replaced(PoolEvent replacement, Duration took);
    }

    /**
     * One replica's history as {@code /status} shows it.
     *
     * @param downtime      the time it spent out of the ring, including the outage going on now
     * @param timesReplaced how often a new instance took its place
     * @param outSince      when the current outage began, or null while it is in the ring
     */
    public record Story(Duration downtime, int timesReplaced, Instant outSince) {
        static final Story NONE = new Story(Duration.ZERO, 0, null);
    }

    private static final class Tally {
        Instant outSince;
        Instant suspectSince;
        Instant deadSince;
        long downNanos;
        int replaced;
    }

    private final Clock clock;
    private final Map<String, Tally> byName = new HashMap<>();
    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();

    public PoolHistory(Clock clock) {
        this.clock = clock;
    }

    public PoolHistory() {
        this(Clock.systemUTC());
    }

    public void listen(Listener listener) {
        listeners.add(listener);
    }

    /** {@code name}'s story now; {@link Story#NONE} for a name it has no event of. */
    public synchronized Story story(String name) {
        Tally t = byName.get(name);
        if (t == null) {
            return Story.NONE;
        }
        long down = t.downNanos;
        if (t.outSince != null) {
            down += Math.max(0, Duration.between(t.outSince, clock.instant()).toNanos());
        }
        return new Story(Duration.ofNanos(down), t.replaced, t.outSince);
    }

    @Override
    public void accept(PoolEvent e) {
        Duration detection = null;
        Duration replacement = null;
        synchronized (this) {
            Tally t = byName.get(e.replica());
            switch (e.transition()) {
                case JOINED, ADOPTED -> byName.put(e.replica(), new Tally()); // a reused name is a new replica
                case SUSPECT -> {
                    t = tally(t, e);
                    if (t.outSince == null) t.outSince = e.at();
                    if (t.suspectSince == null) t.suspectSince = e.at();
                }
                case DEAD -> {
                    boolean knownBefore = t != null; // found dead at start-up: nobody saw it fail
                    t = tally(t, e);
                    if (t.outSince == null) t.outSince = e.at();
                    if (knownBefore) {
                        detection = t.suspectSince == null ? Duration.ZERO : Duration.between(t.suspectSince, e.at());
                    }
                    t.suspectSince = null;
                    t.deadSince = e.at();
                }
                case CLEARED, RETURNED -> backInTheRing(tally(t, e), e.at());
                case REPLACED_FROM_SPARE, REPLACED_COLD -> {
                    t = tally(t, e);
                    replacement = e.duration() != null ? e.duration()
                            : t.deadSince != null ? Duration.between(t.deadSince, e.at()) : null;
                    t.replaced++;
                    backInTheRing(t, e.at());
                }
                case REMOVED -> byName.remove(e.replica());
                case BACKOFF, EJECTION_LIMITED -> { } // no change of whether it takes traffic
            }
        }
        for (Listener l : listeners) {
            if (detection != null) l.detected(e, detection);
            if (replacement != null) l.replaced(e, replacement);
        }
    }

    private Tally tally(Tally t, PoolEvent e) {
        return t != null ? t : byName.computeIfAbsent(e.replica(), n -> new Tally());
    }

    private static void backInTheRing(Tally t, Instant at) {
        if (t.outSince != null) {
            t.downNanos += Math.max(0, Duration.between(t.outSince, at).toNanos());
        }
        t.outSince = t.suspectSince = t.deadSince = null;
    }
}
