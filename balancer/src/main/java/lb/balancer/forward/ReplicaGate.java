package lb.balancer.forward;

import java.util.ArrayDeque;

/**
 * Admission to one replica, shared by every event loop (HAProxy's per-server {@code maxconn} and {@code maxqueue}): at
 * most {@code limit} requests in flight to it, at most {@code maxQueue} more waiting for a slot; the rest are refused
 * at once (a fast 503), so a burst cannot drown a replica and make it look dead.
 *
 * <p>A slot that frees up is handed straight to the oldest waiter (it never becomes free in between, so a newcomer
 * cannot overtake the queue). Thread-safe; the critical sections are a few field updates.
 *
 * <p>The gate also counts the answers the replica gave ({@link #answered()}): the health checks' evidence that a
 * replica whose heartbeat is late is busy, not dead (it is still answering the data path).
 */
final class ReplicaGate {

    /** A request waiting for a slot; {@link #granted} is called on any thread, once, when the slot is its. */
    interface Waiter {
        void granted();
    }

    enum Admission { ENTERED, QUEUED, REFUSED }

    private final int limit;
    private final int maxQueue;
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private int active;
    private long answered;

    ReplicaGate(int limit, int maxQueue) {
        this.limit = limit;
        this.maxQueue = maxQueue;
    }

    /** Takes a slot ({@link Admission#ENTERED}), or queues {@code waiter}, or refuses when the queue is full. */
    synchronized Admission enter(Waiter waiter) {
        if (active < limit) {
            active++;
            return Admission.ENTERED;
        }
        if (queue.size() >= maxQueue) return Admission.REFUSED;
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
        Waiter next;
        synchronized (this) {
            if (gotAnswer) answered++;
            next = queue.pollFirst();
            if (next == null) {
                active--;
                return;
            }
        }
        next.granted();
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
}
