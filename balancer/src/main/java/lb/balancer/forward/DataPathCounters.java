package lb.balancer.forward;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the data path counts about its own defences, shared by every event loop: open client connections (against
 * {@code LB_MAX_CONNECTIONS}), connections refused over the cap, heads and bodies that missed their deadline,
 * connections closed because their handling threw, and event loops restarted. Thread-safe.
 */
public final class DataPathCounters {

    final AtomicInteger open = new AtomicInteger();
    private final LongAdder refused = new LongAdder();
    private final LongAdder headTimeouts = new LongAdder();
    private final LongAdder bodyTimeouts = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder loopRestarts = new LongAdder();
    private final LongAdder bufferBytes = new LongAdder();

    public int openConnections() {
        return open.get();
    }

    public long refusedConnections() {
        return refused.sum();
    }

    public long headTimeouts() {
        return headTimeouts.sum();
    }

    public long bodyTimeouts() {
        return bodyTimeouts.sum();
    }

    /** Connections closed because their handling threw something unexpected. */
    public long connectionFailures() {
        return failures.sum();
    }

    public long loopRestarts() {
        return loopRestarts.sum();
    }

    /** Bytes of I/O buffers ever allocated (reused ones count once): what the connections' demand cost. */
    public long bufferBytesAllocated() {
        return bufferBytes.sum();
    }

    void allocated(int bytes) {
        bufferBytes.add(bytes);
    }

    void refused() {
        refused.increment();
    }

    void timedOut(ClientConnection.State state) {
        (state == ClientConnection.State.READ_HEAD ? headTimeouts : bodyTimeouts).increment();
    }

    void failed() {
        failures.increment();
    }

    void loopRestarted() {
        loopRestarts.increment();
    }
}
