package lb.balancer.forward;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import lb.balancer.replica.ForwardListener;
import lb.balancer.replica.Replica;
import lb.balancer.routing.Picker;
import lb.balancer.trace.Tracer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The balancer's data path: an HTTP/1.1 reverse proxy on its own NIO event loops (one per core by default).
 *
 * <p>Every request whose path is one of the admin paths is relayed unchanged to the admin upstream (no picking, no
 * retry). Every other request gets a key (X-Request-Id, else query {@code id}, else a random 6-digit number; client
 * keys go through the key hasher), is routed by the current {@link Picker}, and is forwarded over a pooled keep-alive
 * connection; the answer carries {@code X-Served-By}. Failures map to the API's JSON errors: 503 no replica, 502 no
 * replica could serve it, 504 timed out, and a replica's 404 becomes 400. The {@link ForwardListener} hears
 * {@code started} and exactly one {@code finished} per attempt, on loop threads.
 *
 * <p>Thread-safe: {@link #start} and {@link #close} may be called from any thread; the pickers supplier is read on
 * every request, so swapping the picker needs no call here.
 */
public final class FrontDoor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FrontDoor.class);
    private static final ByteBuffer TOO_MANY_CONNECTIONS = tooManyConnections();

    private final InetSocketAddress bindAddress;
    private final ForwardConfig config;
    private final int loopCount;
    private final int maxConnections;
    private final long shutdownGraceNanos;
    private final DataPathCounters counters = new DataPathCounters();
    private ServerSocketChannel server;
    private EventLoop[] loops;
    private Thread acceptor;
    private volatile boolean closed;

    private FrontDoor(Builder b) {
        this.bindAddress = b.bindAddress;
        this.loopCount = b.eventLoops;
        this.maxConnections = b.limits.maxConnections();
        this.shutdownGraceNanos = b.shutdownGrace.toNanos();
        this.config = new ForwardConfig(b.pickers, b.listener, b.keyHasher, Set.copyOf(b.adminPaths),
                b.adminUpstream == null ? "127.0.0.1" : b.adminUpstream.getHostString(),
                b.adminUpstream == null ? 1 : b.adminUpstream.getPort(),
                b.connectTimeout.toNanos(), b.responseTimeout.toNanos(), b.maxTries,
                b.limits.idleTimeout().toNanos(), b.limits.headTimeout().toNanos(), b.limits.bodyTimeout().toNanos(),
                b.limits.minBodyRate(), b.upstreamIdleTimeout.toNanos(), b.limits.maxRequestBody(),
                new ReplicaLimits(b.limits.replicaMaxConcurrent(), b.limits.replicaMaxQueue(),
                        b.limits.queueTimeout().toNanos()), b.tracer);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds the port and starts the event loops; returns this for chaining. */
    public synchronized FrontDoor start() throws IOException {
        if (server != null) throw new IllegalStateException("already started");
        server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(bindAddress, 1024);
        loops = new EventLoop[loopCount];
        for (int i = 0; i < loopCount; i++) {
            loops[i] = new EventLoop(config, counters, "front-door-loop-" + i);
            loops[i].start();
        }
        acceptor = new Thread(this::acceptLoop, "front-door-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        log.info("front door listening on {} with {} event loops", server.getLocalAddress(), loopCount);
        return this;
    }

    /** The bound port (the ephemeral one when built with port 0). */
    public int port() {
        return address().getPort();
    }

    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("front door is closed", e);
        }
    }

    /**
     * Blocking accepts on one thread, handed round-robin to the loops: connections are long-lived (keep-alive), so
     * accepting is rare and a dedicated thread keeps it out of the loops' latency.
     */
    private void acceptLoop() {
        int next = 0;
        while (true) {
            try {
                SocketChannel ch = server.accept();
                if (counters.open.incrementAndGet() > maxConnections) {
                    counters.open.decrementAndGet();
                    refuse(ch);
                    continue;
                }
                liveLoop(next).adopt(ch);
                next = (next + 1) % loops.length;
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                if (!server.isOpen()) return;
                log.warn("accept failed: {}", e.toString());
                sleepBriefly(); // e.g. out of file descriptors: do not spin
            }
        }
    }

    /** Loop {@code i}, replaced first by a fresh one if it died: no connection is handed to a dead loop. */
    private EventLoop liveLoop(int i) throws IOException {
        EventLoop l = loops[i];
        if (!l.isDead()) return l;
        EventLoop fresh = new EventLoop(config, counters, l.name());
        fresh.start();
        loops[i] = fresh;
        counters.loopRestarted();
        log.warn("event loop {} had failed; a new one took its place", l.name());
        return fresh;
    }

    /**
     * Over {@code LB_MAX_CONNECTIONS}: a 503 at once and close, on the acceptor (the socket buffer is empty). The
     * reply is built once: refusals come in floods, and the acceptor must keep up with them.
     */
    private void refuse(SocketChannel ch) {
        counters.refused();
        try (ch) {
            ch.configureBlocking(false);
            ch.write(TOO_MANY_CONNECTIONS.duplicate());
        } catch (IOException e) {
            // the client is gone already: nothing to tell it
        }
    }

    /** For tests: makes loop {@code i} fail as a broken selector would, and waits until it has. */
    void killLoopForTest(int i) throws IOException, InterruptedException {
        loops[i].selector.close();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!loops[i].isDead() && System.nanoTime() < deadline) Thread.sleep(5);
    }

    /** What the data path counted about its defences (open connections, refusals, timeouts, failures). */
    public DataPathCounters counters() {
        return counters;
    }

    /**
     * How many answers {@code replica} has given the data path (any status; a count that only grows while the replica
     * is in the pool). A replica whose count moves is serving: the health checks' sign of busy rather than dead.
     * Thread-safe, cheap (one map look-up).
     */
    public long answeredBy(Replica replica) {
        return config.limits().answered(replica);
    }

    /**
     * When {@code replica} last answered the data path, in {@link System#nanoTime} nanoseconds; {@link Long#MIN_VALUE}
     * before its first answer. A failed forward to a replica that answered another request meanwhile is not a sign of
     * death (see the health monitor). Thread-safe, cheap (one map look-up).
     */
    public long lastAnswerNanos(Replica replica) {
        return config.limits().lastAnswerNanos(replica);
    }

    /**
     * Tells the data path that {@code gone} was declared dead or removed: requests waiting on it with no response
     * byte yet are retried elsewhere (GET/HEAD) or answered 502 at once, rather than held until the response timeout.
     */
    public void replicaLeft(Replica gone) {
        EventLoop[] current = loops;
        if (current == null) return;
        config.limits().forget(gone);
        for (EventLoop l : current) {
            l.replicaLeft(gone);
        }
    }

    /** Stops accepting, lets in-flight requests finish within the grace period, then closes every connection. */
    @Override
    public synchronized void close() {
        if (closed || server == null) return;
        closed = true;
        EventLoop.closeQuietly(server);
        for (EventLoop l : loops) {
            l.shutdown(shutdownGraceNanos);
        }
        long waitMillis = TimeUnit.NANOSECONDS.toMillis(shutdownGraceNanos) + 1_000;
        try {
            acceptor.join(waitMillis);
            for (EventLoop l : loops) {
                if (!l.awaitTermination(waitMillis)) log.warn("an event loop did not stop in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ByteBuffer tooManyConnections() {
        ByteBuffer reply = ByteBuffer.allocate(256);
        ErrorReplies.write(reply, 503, ErrorReplies.TOO_MANY_CONNECTIONS, false, false);
        return reply.flip().asReadOnlyBuffer();
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Settings with defaults; {@link #pickers} and {@link #keyHasher} are required. */
    public static final class Builder {
        private InetSocketAddress bindAddress = new InetSocketAddress(5000);
        private Supplier<Picker> pickers;
        private ForwardListener listener = ForwardListener.NONE;
        private Tracer tracer = Tracer.OFF;
        private ToLongFunction<String> keyHasher;
        private Set<String> adminPaths = Set.of();
        private InetSocketAddress adminUpstream;
        private Duration connectTimeout = Duration.ofSeconds(1);
        private Duration responseTimeout = Duration.ofSeconds(10);
        private int maxTries = 3;
        private Limits limits = Limits.DEFAULTS;
        private Duration upstreamIdleTimeout = Duration.ofSeconds(20);
        private Duration shutdownGrace = Duration.ofSeconds(2);
        private int eventLoops = Runtime.getRuntime().availableProcessors();

        private Builder() {}

        /** Where to listen; port 0 picks an ephemeral port (see {@link FrontDoor#port()}). Default *:5000. */
        public Builder bind(InetSocketAddress address) {
            this.bindAddress = Objects.requireNonNull(address, "address");
            return this;
        }

        public Builder bind(String host, int port) {
            return bind(new InetSocketAddress(host, port));
        }

        /** Read on every request; membership publishes a new picker through it. */
        public Builder pickers(Supplier<Picker> pickers) {
            this.pickers = Objects.requireNonNull(pickers, "pickers");
            return this;
        }

        public Builder listener(ForwardListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Explains the routing of requests that send {@code X-LB-Trace: 1} (off by default). */
        public Builder tracer(Tracer tracer) {
            this.tracer = Objects.requireNonNull(tracer, "tracer");
            return this;
        }

        /** Turns a client key (X-Request-Id or ?id=) into a non-negative ring key. */
        public Builder keyHasher(ToLongFunction<String> keyHasher) {
            this.keyHasher = Objects.requireNonNull(keyHasher, "keyHasher");
            return this;
        }

        /** Exact paths (any method) relayed to {@code upstream} untouched, e.g. /rep, /add, /rm. */
        public Builder admin(Set<String> paths, InetSocketAddress upstream) {
            this.adminPaths = Set.copyOf(paths);
            this.adminUpstream = Objects.requireNonNull(upstream, "upstream");
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = positive(d, "connectTimeout");
            return this;
        }

        /** Longest wait for a replica's answer once the request is sent (and between body reads). */
        public Builder responseTimeout(Duration d) {
            this.responseTimeout = positive(d, "responseTimeout");
            return this;
        }

        /** Replicas tried per idempotent request (first try included), at least 1. */
        public Builder maxTries(int n) {
            if (n < 1) throw new IllegalArgumentException("maxTries must be at least 1: " + n);
            this.maxTries = n;
            return this;
        }

        /** Deadlines and caps against slow or greedy clients; {@link Limits#DEFAULTS} unless set. */
        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** Idle pooled upstream connections close after this; keep it below the replicas' own idle timeout. */
        public Builder upstreamIdleTimeout(Duration d) {
            this.upstreamIdleTimeout = positive(d, "upstreamIdleTimeout");
            return this;
        }

        public Builder shutdownGrace(Duration d) {
            this.shutdownGrace = positive(d, "shutdownGrace");
            return this;
        }

        public Builder eventLoops(int n) {
            if (n < 1) throw new IllegalArgumentException("eventLoops must be at least 1: " + n);
            this.eventLoops = n;
            return this;
        }

        public FrontDoor build() {
            Objects.requireNonNull(pickers, "pickers is required");
            Objects.requireNonNull(keyHasher, "keyHasher is required");
            return new FrontDoor(this);
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }
    }
}
