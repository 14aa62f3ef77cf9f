package lb.balancer.forward;

import java.io.IOException;
import java.nio.ByteBuffer;
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
import java.util.function.Consumer;
import lb.balancer.replica.Replica;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector thread owning a set of client connections and its own upstream pools and buffers. Everything a
 * request touches (client socket, upstream socket, pool) belongs to one loop, so the data path needs no locks; other
 * threads only hand work in through {@link #execute}.
 *
 * <p>A failure never leaves the loop: whatever one connection's handling throws (an {@link Error} such as
 * {@code OutOfMemoryError} included) closes that connection, logged with its cause and counted, and the loop goes on;
 * this holds for readiness events, handed-in tasks and the timeout sweep alike. Should the loop itself still fail
 * (the selector breaks), it closes its connections and reports {@link #isDead()}, and the front door starts a new
 * loop in its place and hands it no more connections.
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
    final BufferPool buffers;
    final DataPathCounters counters;
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
    /** Each replica's X-Served-By value, encoded once instead of once per response; found like its pool. */
    private final IdentityHashMap<Replica, byte[]> servedBy = new IdentityHashMap<>();
    /** Where socket reads land before they are copied into a heap buffer; see {@link #read}. */
    private final ByteBuffer readStage = ByteBuffer.allocateDirect(BufferPool.SIZE);
    /** Made once: a method reference written in the loop would be a new object every select round. */
    private final Consumer<SelectionKey> dispatcher = this::dispatch;
    private volatile boolean dead;
    private long nextSweep;
    private long drainDeadline;

    record HostPort(String host, int port) {}

    EventLoop(ForwardConfig config, DataPathCounters counters, String name) throws IOException {
        this.config = config;
        this.counters = counters;
        this.buffers = new BufferPool(counters);
        this.selector = Selector.open();
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    String name() {
        return thread.getName();
    }

    /** Whether the loop stopped after a failure of its own (not a shutdown): it must get no more connections. */
    boolean isDead() {
        return dead;
    }

    /** Runs {@code task} on this loop's thread (from any thread). */
    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
        if (dead) runLeftoverTasks(); // nobody else will: let them fail fast instead of hanging
    }

    /** Takes over a freshly accepted client socket (from the acceptor thread); it counts as open from here on. */
    void adopt(SocketChannel ch) {
        execute(() -> {
            if (dead) {
                drop(ch);
                return;
            }
            try {
                clients.add(new ClientConnection(this, ch, clients.size()));
            } catch (IOException | RuntimeException e) {
                log.debug("client gone before registration: {}", e.toString());
                drop(ch);
            }
        });
    }

    private void drop(SocketChannel ch) {
        counters.open.decrementAndGet();
        closeQuietly(ch);
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

    /** Abandons the exchanges waiting on {@code gone} (from any thread); see {@link ReplicaCall#replicaLeft}. */
    void replicaLeft(Replica gone) {
        execute(() -> {
            for (int i = clients.size() - 1; i >= 0; i--) {
                if (i < clients.size()) {
                    ClientConnection c = clients.get(i);
                    safely(c, () -> c.replicaLeft(gone));
                }
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

    /**
     * Reads from {@code ch} into the heap buffer {@code dst} (heads are parsed in place, so reads go to heap buffers).
     * The kernel can only fill native memory, so the JDK reads a heap buffer through a direct one from a per-thread
     * cache, looked up twice per read; this loop's own direct buffer does the same copy without the look-ups.
     */
    int read(SocketChannel ch, ByteBuffer dst) throws IOException {
        ByteBuffer stage = readStage;
        stage.clear().limit(Math.min(stage.capacity(), dst.remaining()));
        int n = ch.read(stage);
        if (n > 0) dst.put(stage.flip());
        return n;
    }

    /** {@code replica}'s name as the ASCII bytes of its X-Served-By header. */
    byte[] servedBy(Replica replica) {
        byte[] name = servedBy.get(replica);
        if (name == null) {
            // Replaced replicas are new instances: past a pool's worth of names, start over rather than grow.
            if (servedBy.size() > 2 * Replica.MAX_ID) servedBy.clear();
            name = Ascii.asciiBytes(replica.name());
            servedBy.put(replica, name);
        }
        return name;
    }

    void removeClient(ClientConnection c) {
        int slot = c.slot;
        if (slot >= clients.size() || clients.get(slot) != c) return;
        ClientConnection last = clients.remove(clients.size() - 1);
        if (last != c) {
            clients.set(slot, last);
            last.slot = slot;
        }
        counters.open.decrementAndGet();
    }

    int clientCount() {
        return clients.size();
    }

    @Override
    public void run() {
        try {
            while (true) {
                long waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextSweep - now));
                selector.select(dispatcher, waitMillis);
                now = System.nanoTime();
                runTasks();
                if (now - nextSweep >= 0) {
                    sweep();
                    nextSweep = now + TimeUnit.MILLISECONDS.toNanos(SWEEP_MILLIS);
                }
                if (draining && (closeIdleClients() || now - drainDeadline >= 0)) break;
            }
        } catch (Throwable e) {
            dead = !draining;
            log.error("event loop {} failed; its connections are closed{}", thread.getName(),
                    dead ? " and a new loop takes its place" : "", e);
        } finally {
            closeEverything();
        }
    }

    private void dispatch(SelectionKey key) {
        Handler h = (Handler) key.attachment();
        try {
            if (key.isValid()) h.onReady(key.readyOps());
        } catch (Throwable e) {
            failed(h, e);
        }
    }

    /** Runs {@code work} for one connection; whatever it throws closes that connection only. */
    private void safely(Handler h, Runnable work) {
        try {
            work.run();
        } catch (Throwable e) {
            failed(h, e);
        }
    }

    private void failed(Handler h, Throwable e) {
        counters.failed();
        log.warn("closing a connection after an unexpected failure: {}", e.toString(), e);
        try {
            h.fail(e);
        } catch (Throwable again) {
            log.warn("closing the failed connection failed too: {}", again.toString());
        }
    }

    private void runTasks() {
        Runnable t;
        while ((t = tasks.poll()) != null) {
            try {
                t.run();
            } catch (Throwable e) {
                counters.failed();
                log.warn("a task on event loop {} failed: {}", thread.getName(), e.toString(), e);
            }
        }
    }

    private void sweep() {
        for (int i = clients.size() - 1; i >= 0; i--) {
            if (i < clients.size()) {
                ClientConnection c = clients.get(i);
                long t = now;
                safely(c, () -> c.checkTimeout(t));
            }
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
            if (i < clients.size()) closeQuietly(clients.get(i));
        }
        for (UpstreamPool p : pools.values()) {
            try {
                p.closeAll();
            } catch (Throwable ignored) {
                // closing what is left; nothing more to do
            }
        }
        pools.clear();
        poolsByReplica.clear();
        runLeftoverTasks();
        for (int i = clients.size() - 1; i >= 0; i--) {
            closeQuietly(clients.get(i));
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    private void runLeftoverTasks() {
        Runnable t;
        while ((t = tasks.poll()) != null) {
            try {
                t.run();
            } catch (Throwable ignored) {
                // the loop is gone; each task's connection is closed by its own failure
            }
        }
    }

    private static void closeQuietly(ClientConnection c) {
        try {
            c.close();
        } catch (Throwable ignored) {
            // it is going away either way
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
