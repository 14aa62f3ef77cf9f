package lb.balancer.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import lb.balancer.health.HeartbeatProber.Answer;
import lb.balancer.replica.Replica;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat prober against hand-written replicas on loopback: what each kind of answer or failure is called, that
 * one connection carries every heartbeat while the replica keeps it open, and that a replica closing its idle
 * connections costs no failed heartbeat.
 */
class HeartbeatProberTest {

    private static final long TIMEOUT = TimeUnit.MILLISECONDS.toNanos(500);
    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    private final HeartbeatProber prober = new HeartbeatProber();
    private FakeReplica replica;

    @AfterEach
    void stop() throws IOException {
        prober.close();
        if (replica != null) replica.close();
    }

    @Test
    void keepsOneConnectionForEveryHeartbeatOfAReplica() throws Exception {
        replica = new FakeReplica(n -> OK, false);
        for (int i = 0; i < 5; i++) {
            assertEquals("200", probe(replica.replica()).describe());
        }
        assertEquals(1, replica.accepted.get(), "all five heartbeats over one kept-alive connection");
        assertEquals(5, replica.requests.get());
    }

    @Test
    void aReplicaThatClosesIdleConnectionsCostsNoFailedHeartbeat() throws Exception {
        replica = new FakeReplica(n -> OK, true);
        for (int i = 0; i < 3; i++) {
            Answer answer = probe(replica.replica());
            assertTrue(answer.ok(), answer.describe());
        }
        assertEquals(3, replica.accepted.get(), "a new connection after each close");
    }

    @Test
    void namesStatusesAndFailuresAsTheStatusPageShowsThem() throws Exception {
        replica = new FakeReplica(n -> "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", false);
        Answer unavailable = probe(replica.replica());
        assertEquals("status 503", unavailable.describe());
        assertFalse(unavailable.ok());
        assertFalse(unavailable.timedOut());
        replica.close();

        replica = new FakeReplica(n -> "SSH-2.0-OpenSSH_9.2\r\n\r\n", false);
        assertEquals("bad response", probe(replica.replica()).describe());
        replica.close();

        int port = replica.port(); // closed now: nothing listens there
        Answer refused = probe(new Replica("Server1", 1, "127.0.0.1", port, "default"));
        assertEquals("connection refused", refused.describe());
        assertFalse(refused.timedOut(), "a refusal is never excused as busy");
    }

    @Test
    void aReplicaThatNeverAnswersTimesOutAtTheDeadline() throws Exception {
        replica = new FakeReplica(n -> null, false); // reads the request, answers nothing
        long start = System.nanoTime();
        Answer answer = probe(replica.replica());
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals("timeout", answer.describe());
        assertTrue(answer.timedOut());
        assertTrue(tookMs >= 450, "not before the deadline: " + tookMs + " ms");
    }

    @Test
    void judgesAChunkedAnswerByItsStatusAndDoesNotReuseItsConnection() throws Exception {
        replica = new FakeReplica(n -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", false);
        assertEquals("200", probe(replica.replica()).describe());
        assertEquals("200", probe(replica.replica()).describe());
        assertEquals(2, replica.accepted.get(), "its framing is not parsed, so its connection is not reused");
    }

    @Test
    void readsTheStatusLineStrictly() {
        assertEquals(200, HeartbeatProber.statusOf("HTTP/1.1 200 OK"));
        assertEquals(204, HeartbeatProber.statusOf("HTTP/1.0 204"));
        assertEquals(-1, HeartbeatProber.statusOf("HTTP/2 200 OK"));
        assertEquals(-1, HeartbeatProber.statusOf("HTTP/1.1 2000 OK"));
        assertEquals(-1, HeartbeatProber.statusOf("HTTP/1.1 20x OK"));
        assertEquals(12, HeartbeatProber.contentLength("HTTP/1.1 200 OK\r\ncontent-length: 12"));
        assertEquals(-1, HeartbeatProber.contentLength("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3"));
        assertEquals(-1, HeartbeatProber.contentLength("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"));
    }

    private Answer probe(Replica target) throws Exception {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        prober.probe(target, TIMEOUT, answer::complete);
        return answer.get(5, TimeUnit.SECONDS);
    }

    /** A replica on loopback answering each request with {@code answers.apply(n)} (null: answers nothing). */
    private static final class FakeReplica implements AutoCloseable {

        final AtomicInteger accepted = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        private final ServerSocket server;

        FakeReplica(IntFunction<String> answers, boolean closeAfterEach) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        accepted.incrementAndGet();
                        Thread.ofVirtual().start(() -> serve(s, answers, closeAfterEach));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void serve(Socket s, IntFunction<String> answers, boolean closeAfterEach) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                while (readHead(in)) {
                    String answer = answers.apply(requests.incrementAndGet());
                    if (answer == null) continue;
                    out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    if (closeAfterEach) return;
                }
            } catch (IOException e) {
                // the prober closed it
            }
        }

        /** Reads one request head; false at the end of the stream. */
        private static boolean readHead(InputStream in) throws IOException {
            int matched = 0;
            int b;
            while ((b = in.read()) >= 0) {
                matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
                if (matched == 4) return true;
            }
            return false;
        }

        Replica replica() {
            return new Replica("Server1", 1, "127.0.0.1", port(), "default");
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
