package lb.balancer.health;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import lb.balancer.replica.Replica;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the heartbeats: {@code GET /heartbeat} over one kept-alive connection per replica, every connection on one
 * thread with one selector, as HAProxy's checks run on its event loop.
 *
 * <p>Why not {@code java.net.http.HttpClient}: each of its requests built a URI, a request and a chain of futures and
 * crossed four threads (caller, selector manager, worker, completion), about 2 ms of CPU per heartbeat; at ten a
 * second per replica that was 65 ms of CPU a second with no traffic at all, on a host whose two cores the data path
 * needs. Here a heartbeat is one write, one read and a few dozen bytes parsed, with two thread hand-offs (the request
 * in, the answer out).
 *
 * <p>One probe per replica at a time (the caller sees to that). Its deadline covers connecting, sending and the whole
 * answer: still connecting at the deadline is a {@code "connect timeout"}, later a {@code "timeout"}; either closes
 * the connection, since a late answer would be read as the next one's. A kept-alive connection the replica closed
 * while idle (normal for servers with idle timeouts) fails before any answer byte; the probe then tries once more on
 * a new connection within the same deadline. The answer's body is read and dropped by its {@code Content-Length};
 * an answer framed any other way (chunked, until close) is judged by its status line and its connection closed.
 *
 * <p>Thread-safe entry points ({@link #probe}, {@link #retain}, {@link #close}); the completion runs on the prober's
 * thread and must be quick.
 */
final class HeartbeatProber implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HeartbeatProber.class);
    /** Larger answer heads are not a heartbeat's: the probe fails with {@code "bad response"}. */
    static final int MAX_HEAD = 8 * 1024;

    /** How a probe ended: the status (0 when it failed) or why it failed, and whether that was a timeout. */
    record Answer(int status, String failure, boolean timedOut) {

        boolean ok() {
            return failure == null && status == 200;
        }

        /** {@code "200"}, {@code "status 503"}, {@code "timeout"}, {@code "connection refused"}, ... */
        String describe() {
            return failure != null ? failure : status == 200 ? "200" : "status " + status;
        }
    }

    @FunctionalInterface
    interface Done {
        void answered(Answer answer);
    }

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Prober thread only. */
    private final Map<Replica, Probe> probes = new HashMap<>();
    private volatile boolean closed;

    HeartbeatProber() {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a selector for heartbeats", e);
        }
        thread = new Thread(this::run, "health-probe");
        thread.setDaemon(true);
        thread.start();
    }

    /** Sends one heartbeat to {@code replica}; {@code done} hears how it ended, within {@code timeoutNanos}. */
    void probe(Replica replica, long timeoutNanos, Done done) {
        submit(() -> probes.computeIfAbsent(replica, Probe::new).start(System.nanoTime() + timeoutNanos, done));
    }

    /** Closes the connections of replicas not in {@code watched} (replicas that left the pool). */
    void retain(Set<Replica> watched) {
        submit(() -> probes.values().removeIf(p -> !watched.contains(p.replica) && p.closeIfIdle()));
    }

    private void submit(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
    }

    private void run() {
        try {
            while (!closed) {
                selector.select(this::ready, selectTimeoutMillis());
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        log.error("heartbeat task failed: {}", e.toString(), e); // the prober goes on
                    }
                }
                long now = System.nanoTime();
                for (Probe p : probes.values()) p.checkDeadline(now);
            }
        } catch (IOException e) {
            if (!closed) log.error("heartbeat prober stopped: its selector failed: {}", e.toString(), e);
        } finally {
            probes.values().forEach(Probe::closeConnection);
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private long selectTimeoutMillis() {
        long now = System.nanoTime();
        long next = Long.MAX_VALUE;
        for (Probe p : probes.values()) {
            if (p.done != null) next = Math.min(next, p.deadline - now);
        }
        return next == Long.MAX_VALUE ? 0 : Math.max(1, next / 1_000_000 + 1); // 0 blocks until woken
    }

    private void ready(SelectionKey key) {
        Probe p = (Probe) key.attachment();
        try {
            if (key.isConnectable()) p.connected();
            else if (key.isReadable()) p.readable();
        } catch (CancelledKeyException e) {
            // closed meanwhile
        } catch (RuntimeException e) {
            log.error("heartbeat of {} failed unexpectedly: {}", p.replica.name(), e.toString(), e);
            p.closeConnection();
            p.end(new Answer(0, e.getClass().getSimpleName(), false)); // the prober goes on
        }
    }

    /** Probes of one replica and their kept-alive connection. Prober thread only. */
    private final class Probe {

        final Replica replica;
        private final byte[] request;
        private final ByteBuffer in = ByteBuffer.allocate(MAX_HEAD);
        private SocketChannel channel;
        private SelectionKey key;
        private boolean connecting;
        private boolean reused;
        private boolean retried;
        private boolean keepAlive;
        /** The answer's status once its head is in; then the body bytes still to drop. */
        private int status;
        private long bodyLeft;
        private Done done;
        private long deadline;

        Probe(Replica replica) {
            this.replica = replica;
            this.request = ("GET /heartbeat HTTP/1.1\r\nHost: " + replica.host() + ":" + replica.port()
                    + "\r\nUser-Agent: lb-balancer-health\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        }

        void start(long deadline, Done done) {
            if (this.done != null) { // the caller keeps one in flight: never two answers on one connection
                done.answered(new Answer(0, "a heartbeat is already in flight", false));
                return;
            }
            this.deadline = deadline;
            this.done = done;
            retried = false;
            send();
        }

        private void send() {
            status = 0;
            bodyLeft = 0;
            in.clear();
            try {
                if (channel != null && channel.isOpen()) {
                    reused = true;
                    write();
                    return;
                }
                reused = false;
                channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                connecting = !channel.connect(new InetSocketAddress(replica.host(), replica.port()));
                key = channel.register(selector, connecting ? SelectionKey.OP_CONNECT : SelectionKey.OP_READ, this);
                if (!connecting) write();
            } catch (IOException e) {
                failed(e);
            }
        }

        void connected() {
            try {
                channel.finishConnect();
                connecting = false;
                key.interestOps(SelectionKey.OP_READ);
                write();
            } catch (IOException e) {
                failed(e);
            }
        }

        private void write() throws IOException {
            ByteBuffer out = ByteBuffer.wrap(request);
            channel.write(out);
            if (out.hasRemaining()) throw new IOException("heartbeat request not sent whole"); // 100 bytes, empty buffer
        }

        void readable() {
            if (done == null) { // idle: the replica closed the connection, or sent what nobody asked for
                closeConnection();
                return;
            }
            try {
                int n = channel.read(in);
                if (n < 0) {
                    failed(new IOException("connection closed"));
                    return;
                }
                if (status == 0) parseHead();
                else dropBody();
            } catch (IOException e) {
                failed(e);
            }
        }

        private void parseHead() {
            int end = headEnd();
            if (end < 0) {
                if (!in.hasRemaining()) end(new Answer(0, "bad response", false));
                return;
            }
            String head = new String(in.array(), 0, end, StandardCharsets.ISO_8859_1);
            status = statusOf(head);
            if (status < 100) {
                end(new Answer(0, "bad response", false));
                return;
            }
            long length = contentLength(head);
            keepAlive = length >= 0 && !hasToken(head, "connection", "close");
            bodyLeft = Math.max(length, 0);
            in.limit(in.position()).position(end + 4);
            in.compact();
            dropBody();
        }

        private void dropBody() {
            int have = in.position();
            if (have > bodyLeft) keepAlive = false; // bytes beyond the answer: nothing to reuse this connection for
            if (have < bodyLeft && keepAlive) {
                bodyLeft -= have;
                in.clear();
                return; // more to come
            }
            end(new Answer(status, null, false));
        }

        private int headEnd() {
            byte[] b = in.array();
            for (int i = 0; i + 3 < in.position(); i++) {
                if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') return i;
            }
            return -1;
        }

        void checkDeadline(long now) {
            if (done != null && now - deadline >= 0) {
                closeConnection();
                end(new Answer(0, connecting ? "connect timeout" : "timeout", true));
            }
        }

        private void failed(IOException e) {
            boolean nothingYet = status == 0 && in.position() == 0;
            closeConnection();
            if (reused && nothingYet && !retried && done != null) {
                retried = true; // the replica closed the idle connection: once more on a new one
                send();
                return;
            }
            String why = why(e);
            end(new Answer(0, why, false));
        }

        private void end(Answer answer) {
            if (!keepAlive || answer.failure() != null) closeConnection();
            keepAlive = false;
            Done d = done;
            done = null;
            if (d != null) d.answered(answer);
        }

        boolean closeIfIdle() {
            if (done != null) return false;
            closeConnection();
            return true;
        }

        void closeConnection() {
            if (channel == null) return;
            try {
                channel.close(); // cancels the key
            } catch (IOException ignored) {
                // nothing to keep
            }
            channel = null;
            key = null;
            connecting = false;
        }
    }

    /** A failure in the words of {@link Heartbeat#result()}. */
    static String why(IOException e) {
        if (e instanceof ConnectException) return "connection refused";
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
        if (message.contains("reset")) return "connection reset";
        if (message.equals("connection closed")) return "connection closed";
        return e.getClass().getSimpleName();
    }

    /** The status code of an answer head, or -1 when its first line is not {@code HTTP/1.x NNN}. */
    static int statusOf(String head) {
        if (!head.startsWith("HTTP/1.") || head.length() < 12 || head.charAt(8) != ' ') return -1;
        int status = 0;
        for (int i = 9; i < 12; i++) {
            char c = head.charAt(i);
            if (c < '0' || c > '9') return -1;
            status = status * 10 + (c - '0');
        }
        return head.length() == 12 || head.charAt(12) == ' ' || head.charAt(12) == '\r' ? status : -1;
    }

    /** The answer's {@code Content-Length}, or -1 when it has none (or is chunked, or gives two). */
    static long contentLength(String head) {
        if (hasToken(head, "transfer-encoding", "chunked")) return -1;
        List<String> values = headerValues(head, "content-length");
        if (values.size() != 1) return -1;
        try {
            long n = Long.parseLong(values.get(0));
            return n >= 0 ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean hasToken(String head, String name, String token) {
        for (String value : headerValues(head, name)) {
            for (String t : value.split(",")) {
                if (t.trim().equalsIgnoreCase(token)) return true;
            }
        }
        return false;
    }

    private static List<String> headerValues(String head, String name) {
        List<String> values = new ArrayList<>(1);
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon == name.length() && line.regionMatches(true, 0, name, 0, colon)) {
                values.add(line.substring(colon + 1).trim());
            }
        }
        return values;
    }
}
