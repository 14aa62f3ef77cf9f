package lb.balancer.forward;

import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * Admission to one replica, shared by every event loop (HAProxy's per-server {@code maxconn} and {@code maxqueue}): at
 * most {@code limit} requests in flight to it, at most {@code maxQueue} more waiting for a slot; the rest are refused
 * at once (a fast 503), so a burst cannot drown a replica and make it look dead.
 *
 * <p>A slot that frees up is handed straight to the oldest waiter (it never becomes free in between, so a newcomer
 * cannot overtake the queue). Thread-safe; the critical sections are a few field updates.
 *
 * <p><b>A wait that cannot end in time is refused at once.</b> While requests queue, the gate measures how fast slots
 * free up (the time per departure over windows of at least {@link #RATE_WINDOW_NANOS}). A newcomer that would queue
 * behind {@code q} waiters is predicted to wait {@code (q + 1)} departures; when that is longer than the queue timeout
 * it is refused with {@link Admission#REFUSED_WAIT} instead of waiting the whole timeout for the same 503 (HAProxy
 * and Envoy shed load at admission for the same reason). Until a window has been measured in the current backlog
 * (the first requests of a burst, or after the queue last emptied) nothing is predicted and the queue works as a
 * plain bounded queue. The trade-off: a replica that speeds up after the estimate was taken may have served some
 * refused requests within the timeout; the estimate follows it within one window.
 *
 * <p>The gate also counts the answers the replica gave ({@link #answered()}) and when it last gave one
 * ({@link #lastAnswerNanos()}): the health checks' evidence that a replica whose heartbeat is late, or to which a
 * connect timed out, is busy, not dead (it is still answering the data path).
 *
 * <p>Per request: {@link #enter} and {@link #leave} each take the lock once; {@code leave} reads the clock once; no
 * allocation beyond the queue's own array.
 */
final class ReplicaGate {

    /** Shortest span a departure rate is measured over: long enough to smooth the event loops' batching. */
    static final long RATE_WINDOW_NANOS = 100_000_000L;
    static final long NEVER = Long.MIN_VALUE;

    /** A request waiting for a slot; {@link #granted} is called on any thread, once, when the slot is its. */
    interface Waiter {
        void granted();
    }

    /**
     * {@code REFUSED}: the queue is full; {@code REFUSED_WAIT}: the queue has room, but the wait it predicts is longer
     * than the queue timeout.
     */
    enum Admission { ENTERED, QUEUED, REFUSED, REFUSED_WAIT }

    private final int limit;
    private final int maxQueue;
    private final long queueTimeoutNanos;
    private final LongSupplier clock;
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private int active;
    private long answered;
    private long lastAnswer = NEVER;
    /** Start of the current rate window ({@link #NEVER} when none: no backlog) and the departures in it so far. */
    private long windowStart = NEVER;
    private int windowDepartures;
    /** Nanoseconds per departure in the last complete window of this backlog; 0 when unknown. */
    private long nanosPerDeparture;

    /** A gate that never predicts (no queue timeout to compare with). */
    ReplicaGate(int limit, int maxQueue) {
        this(limit, maxQueue, Long.MAX_VALUE, System::nanoTime);
    }

    ReplicaGate(int limit, int maxQueue, long queueTimeoutNanos) {
        this(limit, maxQueue, queueTimeoutNanos, System::nanoTime);
    }

    /** @param clock {@link System#nanoTime} outside tests */
    ReplicaGate(int limit, int maxQueue, long queueTimeoutNanos, LongSupplier clock) {
        this.limit = limit;
        this.maxQueue = maxQueue;
        this.queueTimeoutNanos = queueTimeoutNanos;
        this.clock = clock;
    }

    /**
     * Takes a slot ({@link Admission#ENTERED}), or queues {@code waiter}, or refuses when the queue is full or the
     * predicted wait is longer than the queue timeout.
     */
    synchronized Admission enter(Waiter waiter) {
        if (active < limit) {
            active++;
            return Admission.ENTERED;
        }
        int ahead = queue.size();
        if (ahead >= maxQueue) return Admission.REFUSED;
        // (ahead + 1) * perDeparture > timeout, written as a division so that it cannot overflow
        if (nanosPerDeparture > 0 && ahead + 1 > queueTimeoutNanos / nanosPerDeparture) return Admission.REFUSED_WAIT;
        queue.addLast(waiter);
        return Admission.QUEUED;
    }

    /**
     * Takes {@code waiter} out of the queue; false when it is no longer queued, which means its slot was already
     * granted (and {@link Waiter#granted} is on its way, so the caller must leave that slot when it arrives).
     */
    synchronized boolean withdraw(Waiter waiter) {
        return queue.remove(waiter);
    }

    /**
     * Gives a slot back: to the oldest waiter if there is one.
     *
     * @param gotAnswer whether the replica answered the request that held the slot (any status)
     */
    void leave(boolean gotAnswer) {
        long now = clock.getAsLong();
        Waiter next;
        synchronized (this) {
            if (gotAnswer) {
                answered++;
                lastAnswer = now;
            }
            next = queue.pollFirst();
            if (next == null) {
                active--;
                windowStart = NEVER; // the backlog is over: a later one is measured afresh
                nanosPerDeparture = 0;
                return;
            }
            departed(now);
        }
        next.granted();
    }

    /** A slot passed to a waiter at {@code now}: one departure of the backlog. Under the lock. */
    private void departed(long now) {
        if (windowStart == NEVER) {
            windowStart = now;
            windowDepartures = 0;
            return;
        }
        windowDepartures++;
        long span = now - windowStart;
        if (span >= RATE_WINDOW_NANOS) {
            nanosPerDeparture = Math.max(1, span / windowDepartures);
            windowStart = now;
            windowDepartures = 0;
        }
    }

    synchronized int active() {
        return active;
    }

    synchronized int queued() {
        return queue.size();
    }

    /** Answers the replica gave through this gate so far. */
    synchronized long answered() {
        return answered;
    }

    /** When the replica last answered through this gate (the clock's nanoseconds), {@link #NEVER} before that. */
    synchronized long lastAnswerNanos() {
        return lastAnswer;
    }

    /** The measured time between departures of the current backlog; 0 when none is measured. */
    synchronized long nanosPerDeparture() {
        return nanosPerDeparture;
    }
}
