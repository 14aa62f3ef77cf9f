package lb.balancer.forward;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * Keep-alive connections of one event loop to one upstream host:port. A replica replaced at a new address gets a new
 * pool; pools of replicas that are gone empty themselves through the idle timeout and are then dropped by
 * {@link EventLoop}'s sweep.
 *
 * <p>Loop-confined. Idle connections stay registered for reads, so a replica closing one is noticed at once.
 */
final class UpstreamPool {

    private static final int MAX_IDLE = 256;

    final EventLoop loop;
    final String host;
    final int port;
    private final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();
    private InetSocketAddress address;
    private int open;
    private long lastUsed;

    UpstreamPool(EventLoop loop, String host, int port) {
        this.loop = loop;
        this.host = host;
        this.port = port;
        this.lastUsed = loop.now;
    }

    /** The most recently used idle connection (warmest, least likely to have been closed by the replica), or null. */
    UpstreamConnection pollIdle() {
        lastUsed = loop.now;
        return idle.pollLast();
    }

    UpstreamConnection open() throws IOException {
        lastUsed = loop.now;
        if (address == null || address.isUnresolved()) {
            // Resolved once per pool (IP literals need no lookup); re-resolved after a connect failure.
            address = new InetSocketAddress(host, port);
        }
        UpstreamConnection c = new UpstreamConnection(this, address);
        open++;
        return c;
    }

    void connectFailed() {
        address = null;
    }

    void release(UpstreamConnection c) {
        c.releaseBuffers();
        c.idleSince = loop.now;
        idle.addLast(c);
        if (idle.size() > MAX_IDLE) {
            close(idle.pollFirst());
        }
    }

    /** Closes {@code c}, whether it is idle or was in use. */
    void close(UpstreamConnection c) {
        if (c.closeChannel()) {
            open--;
            idle.remove(c);
        }
    }

    /** Closes idle connections past the idle timeout; true when this pool is empty and unused, so can be dropped. */
    boolean sweep(long now) {
        long timeout = loop.config.upstreamIdleTimeoutNanos();
        UpstreamConnection c;
        while ((c = idle.peekFirst()) != null && now - c.idleSince > timeout) {
            close(c);
        }
        return open == 0 && now - lastUsed > timeout;
    }

    void closeAll() {
        UpstreamConnection c;
        while ((c = idle.pollFirst()) != null) {
            close(c);
        }
    }
}
