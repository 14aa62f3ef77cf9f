package lb.balancer.forward;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import lb.balancer.replica.Replica;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector thread owning a set of client connections and its own upstream pools. Everything a request touches
 * (client socket, upstream socket, pool) belongs to one loop, so the data path needs no locks; other threads only
 * hand work in through {@link #execute}.
 *
 * <p>Timeouts are checked by a sweep every {@value #SWEEP_MILLIS} ms over this loop's connections: with tens to a few
 * thousand connections per loop a scan is cheaper and simpler than a timer wheel, at ±{@value #SWEEP_MILLIS} ms
 * precision.
 */
final class EventLoop implements Runnable {

    /** A channel's owner; called on the loop thread with the key's ready set. */
    interface Handler {
        void onReady(int readyOps);

        /** Closes the channel after an unexpected failure in {@link #onReady}. */
        void fail(Throwable cause);
    }

    private static final Logger log = LoggerFactory.getLogger(EventLoop.class);
    static final long SWEEP_MILLIS = 50;

    final ForwardConfig config;
    final Selector selector;
    /** {@link System#nanoTime()} read once per select round; good enough for deadlines. */
    long now = System.nanoTime();
    volatile boolean draining;

    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ArrayList<ClientConnection> clients = new ArrayList<>();
    private final HashMap<HostPort, UpstreamPool> pools = new HashMap<>();
    /**
     * The same pools by replica instance: pickers hand out the same {@link Replica} objects until membership changes,
     * so an identity look-up (no record hashing, no allocation) finds the pool on the hot path.
     */
    private final IdentityHashMap<Replica, UpstreamPool> poolsByReplica = new IdentityHashMap<>();
    private long nextSweep;
    private long drainDeadline;

    record HostPort(String host, int port) {}

    EventLoop(ForwardConfig config, String name) throws IOException {
        this.config = config;
        this.selector = Selector.open();
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Runs {@code task} on this loop's thread (from any thread). */
    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Takes over a freshly accepted client socket (from the acceptor thread). */
    void adopt(SocketChannel ch) {
        execute(() -> {
            try {
                clients.add(new ClientConnection(this, ch, clients.size()));
            } catch (IOException e) {
                log.debug("client gone before registration: {}", e.toString());
                closeQuietly(ch);
            }
        });
    }

    /** Stops taking requests: idle clients close now, busy ones after their response or at {@code graceNanos}. */
    void shutdown(long graceNanos) {
        execute(() -> {
            draining = true;
            drainDeadline = System.nanoTime() + graceNanos;
        });
    }

    boolean awaitTermination(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }

    UpstreamPool pool(String host, int port) {
        HostPort key = new HostPort(host, port);
        UpstreamPool pool = pools.get(key);
        if (pool == null) {
            pool = new UpstreamPool(this, host, port);
            pools.put(key, pool);
        }
        return pool;
    }

    /** Abandons the exchanges waiting on {@code gone} (from any thread); see {@link Exchange#replicaLeft}. */
    void replicaLeft(Replica gone) {
        execute(() -> {
            for (int i = clients.size() - 1; i >= 0; i--) {
                if (i < clients.size()) clients.get(i).replicaLeft(gone);
            }
        });
    }

    UpstreamPool pool(Replica replica) {
        UpstreamPool pool = poolsByReplica.get(replica);
        if (pool == null) {
            pool = pool(replica.host(), replica.port());
            poolsByReplica.put(replica, pool);
        }
        return pool;
    }

    void removeClient(ClientConnection c) {
        int slot = c.slot;
        ClientConnection last = clients.remove(clients.size() - 1);
        if (last != c) {
            clients.set(slot, last);
            last.slot = slot;
        }
    }

    @Override
    public void run() {
        try {
            while (true) {
                long waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextSweep - now));
                selector.select(this::dispatch, waitMillis);
                now = System.nanoTime();
                runTasks();
                if (now - nextSweep >= 0) {
                    sweep();
                    nextSweep = now + TimeUnit.MILLISECONDS.toNanos(SWEEP_MILLIS);
                }
                if (draining && (closeIdleClients() || now - drainDeadline >= 0)) break;
            }
        } catch (IOException | RuntimeException e) {
            log.error("event loop {} failed", thread.getName(), e);
        } finally {
            closeEverything();
        }
    }

    private void dispatch(SelectionKey key) {
        Handler h = (Handler) key.attachment();
        try {
            if (key.isValid()) h.onReady(key.readyOps());
        } catch (RuntimeException e) {
            log.warn("closing connection after unexpected failure", e);
            h.fail(e);
        }
    }

    private void runTasks() {
        Runnable t;
        while ((t = tasks.poll()) != null) {
            t.run();
        }
    }

    private void sweep() {
        for (int i = clients.size() - 1; i >= 0; i--) {
            if (i < clients.size()) clients.get(i).checkTimeout(now);
        }
        for (Iterator<UpstreamPool> it = pools.values().iterator(); it.hasNext(); ) {
            UpstreamPool pool = it.next();
            if (pool.sweep(now)) {
                it.remove();
                poolsByReplica.values().removeIf(p -> p == pool);
            }
        }
    }

    /** Closes clients between requests; true when none are left. */
    private boolean closeIdleClients() {
        for (int i = clients.size() - 1; i >= 0; i--) {
            if (i < clients.size()) clients.get(i).closeIfIdle();
        }
        return clients.isEmpty();
    }

    private void closeEverything() {
        for (int i = clients.size() - 1; i >= 0; i--) {
            if (i < clients.size()) clients.get(i).close();
        }
        for (UpstreamPool p : pools.values()) {
            p.closeAll();
        }
        pools.clear();
        poolsByReplica.clear();
        Runnable t;
        while ((t = tasks.poll()) != null) {
            t.run();
        }
        for (int i = clients.size() - 1; i >= 0; i--) {
            clients.get(i).close();
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing a broken socket: nothing to do
        }
    }
}
