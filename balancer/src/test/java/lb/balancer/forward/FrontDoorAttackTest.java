package lb.balancer.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import lb.balancer.replica.ForwardListener;
import lb.balancer.replica.Replica;
import lb.balancer.routing.Pick;
import lb.balancer.routing.Picker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The probes of issue 11 ("the data path under attack"), one test each: every one failed on the code before the fix
 * (an OutOfMemoryError that killed both loops, a loop killed by a throwing picker or listener, a head trickled
 * forever, a 400 whose body overflowed, a bare CR that smuggled a second request).
 */
class FrontDoorAttackTest {

    @RegisterExtension
    final DoorFixture fixture = new DoorFixture();
    private FrontDoor door;
    private FakeBackend backend;

    private FrontDoor start(Picker picker, ForwardListener listener, Limits limits) throws Exception {
        return start(picker, listener, limits, Duration.ofSeconds(10));
    }

    private FrontDoor start(Picker picker, ForwardListener listener, Limits limits, Duration responseTimeout)
            throws Exception {
        door = fixture.start(fixture.builder().pickers(() -> picker).listener(listener)
                .eventLoops(1).limits(limits).responseTimeout(responseTimeout));
        return door;
    }

    private FakeBackend backend() throws Exception {
        backend = fixture.backend(1);
        return backend;
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n";
    }

    /** Probe 1: 1,600 heads declaring 8 MB bodies used to allocate 8 MB each before any body byte (12.8 GB). */
    @Test
    void headsThatDeclareHugeBodiesCostOneBufferEachAndOthersAreStillServed() throws Exception {
        FakeBackend b = backend();
        start(r -> new Pick.Routed(b.replica()), ForwardListener.NONE, Limits.DEFAULTS);
        List<Socket> attackers = new ArrayList<>();
        try {
            byte[] head = "POST /home HTTP/1.1\r\nHost: a\r\nContent-Length: 8388600\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1);
            for (int i = 0; i < 1_600; i++) {
                Socket s = new Socket(InetAddress.getLoopbackAddress(), door.port());
                attackers.add(s);
                s.getOutputStream().write(head);
            }
            try (RawClient c = new RawClient(door.port())) {
                assertEquals(200, c.exchange(get("/home")).status(), "another client is served during the attack");
            }
            long perConnection = door.counters().bufferBytesAllocated() / 1_600;
            assertTrue(perConnection <= 2 * BufferPool.SIZE, "buffer bytes per attacking connection: " + perConnection);
            assertEquals(0, b.seen.stream().filter(s -> s.method().equals("POST")).count(),
                    "a body that has not filled a buffer takes no replica slot and no upstream connection");
        } finally {
            for (Socket s : attackers) s.close();
        }
    }

    /** Probe 2: an exception (or Error) from a strategy's pick() or the listener used to kill the loop for good. */
    @Test
    void aThrowingPickerOrListenerClosesOnlyThatConnection() throws Exception {
        FakeBackend b = backend();
        AtomicInteger mode = new AtomicInteger();
        Picker picker = r -> switch (mode.get()) {
            case 1 -> throw new IllegalStateException("broken strategy");
            case 2 -> throw new AssertionError("an Error, not an exception");
            default -> new Pick.Routed(b.replica());
        };
        ForwardListener listener = new ForwardListener() {
            @Override
            public void started(Replica replica) {
                if (mode.get() == 3) throw new StackOverflowError("listener");
            }

            @Override
            public void finished(Replica replica, long nanos, Outcome outcome) {
                // mode 4: thrown from the timeout sweep (a /slow request timing out), outside any read event
                if (mode.get() == 4) throw new IllegalStateException("listener on timeout");
            }
        };
        // Mode 4's /slow (10 s) times out after 2 s, so finished() runs from the sweep; /home answers well within it.
        b.slowDelay = Duration.ofSeconds(10);
        start(picker, listener, Limits.DEFAULTS, Duration.ofSeconds(2));
        for (int m = 1; m <= 4; m++) {
            mode.set(m);
            try (RawClient c = new RawClient(door.port())) {
                c.send(get(m == 4 ? "/slow" : "/home"));
                assertTrue(c.closedByServer(), "mode " + m + ": that connection is closed");
            }
            mode.set(0);
            try (RawClient c = new RawClient(door.port())) {
                assertEquals(200, c.exchange(get("/home")).status(), "mode " + m + ": the loop lives on");
            }
        }
        assertEquals(4, door.counters().connectionFailures());
    }

    /** A loop that fails as a whole is replaced; no connection is handed to the dead one. */
    @Test
    void aDeadLoopIsReplacedAndGetsNoMoreConnections() throws Exception {
        FakeBackend b = backend();
        start(r -> new Pick.Routed(b.replica()), ForwardListener.NONE, Limits.DEFAULTS);
        try (RawClient c = new RawClient(door.port())) {
            assertEquals(200, c.exchange(get("/home")).status());
        }
        door.killLoopForTest(0);
        try (RawClient c = new RawClient(door.port())) {
            assertEquals(200, c.exchange(get("/home")).status(), "served by the loop that took its place");
        }
        assertEquals(1, door.counters().loopRestarts());
    }

    /** Probe 3: the idle timer restarted on every byte, so a head trickled slowly held a connection for days. */
    @Test
    void aTrickledHeadIsCutAtTheHeadDeadlineWith408() throws Exception {
        FakeBackend b = backend();
        start(r -> new Pick.Routed(b.replica()), ForwardListener.NONE,
                Limits.DEFAULTS.withHeadTimeout(Duration.ofMillis(400)));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), door.port())) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            long t0 = System.nanoTime();
            String head = "GET /home HTTP/1.1\r\nHost: a\r\nX-Slow: " + "x".repeat(100);
            int sent = 0;
            try {
                for (; sent < head.length(); sent++) {
                    out.write(head.charAt(sent));
                    out.flush();
                    Thread.sleep(20);
                }
            } catch (java.io.IOException closed) {
                // expected: the balancer closed the connection
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
            assertTrue(answer.contains("\"status\": \"failure\""), answer);
            assertTrue(ms < 2_000 && sent < head.length(), "cut after " + ms + " ms, " + sent + " bytes");
        }
        assertEquals(1, door.counters().headTimeouts());
    }

    @Test
    void aBodyBelowTheMinimumRateIsCut() throws Exception {
        FakeBackend b = backend();
        start(r -> new Pick.Routed(b.replica()), ForwardListener.NONE,
                Limits.DEFAULTS.withBody(Duration.ofMillis(300), 1024));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), door.port())) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n".getBytes());
            long t0 = System.nanoTime();
            try {
                for (int i = 0; i < 100; i++) {
                    out.write('x'); // 1 byte per 50 ms = 20 B/s, far below 1 KB/s
                    out.flush();
                    Thread.sleep(50);
                }
            } catch (java.io.IOException closed) {
                // expected
            }
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
            assertTrue(System.nanoTime() - t0 < 3_000_000_000L);
        }
    }

    @Test
    void connectionsOverTheCapAreRefusedFastWith503() throws Exception {
        FakeBackend b = backend();
        start(r -> new Pick.Routed(b.replica()), ForwardListener.NONE, Limits.DEFAULTS.withMaxConnections(2));
        try (RawClient c1 = new RawClient(door.port()); RawClient c2 = new RawClient(door.port())) {
            assertEquals(200, c1.exchange(get("/home")).status());
            assertEquals(200, c2.exchange(get("/home")).status());
            try (RawClient c3 = new RawClient(door.port())) {
                RawClient.Response r = c3.read();
                assertEquals(503, r.status());
                assertTrue(r.body().contains("Too many connections"), r.body());
            }
        }
        assertEquals(1, door.counters().refusedConnections());
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (door.counters().openConnections() > 0 && System.nanoTime() < deadline) Thread.sleep(10);
        try (RawClient c = new RawClient(door.port())) {
            assertEquals(200, c.exchange(get("/home")).status(), "closed connections free their place");
        }
    }

    /** Probe 4: the 404→400 rewrite of a path of invalid UTF-8 overflowed the buffer and desynchronised the reply. */
    @Test
    void theRewritten400OfAHugeInvalidUtf8PathIsWholeAndTheConnectionStaysInSync() throws Exception {
        RawBackend raw = new RawBackend(1, (conn, n, head) ->
                (head.startsWith("GET /home") ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                        : "HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope").getBytes());
        fixture.closeAfter(raw);
        start(r -> new Pick.Routed(raw.replica()), ForwardListener.NONE, Limits.DEFAULTS);
        String path = "/" + "\u00ff".repeat(12_000);
        try (RawClient c = new RawClient(door.port())) {
            RawClient.Response r = c.exchange(get(path));
            assertEquals(400, r.status());
            assertEquals(Integer.parseInt(r.header("Content-Length")), r.body().getBytes(StandardCharsets.UTF_8).length);
            assertTrue(r.body().endsWith("...' endpoint does not exist in server replicas\", \"status\": \"failure\"}"),
                    r.body());
            assertEquals("ok", c.exchange(get("/home")).body(), "the next response is not read as that body");
        }
    }

    /** Probe 5: a header line starting with a bare CR ended the head; the body then ran as a second request. */
    @Test
    void aBareCrCannotSmuggleASecondRequest() throws Exception {
        FakeBackend b = backend();
        start(r -> new Pick.Routed(b.replica()), ForwardListener.NONE, Limits.DEFAULTS);
        String smuggled = "GET /home HTTP/1.1\r\nHost: a\r\n\r\n";
        try (RawClient c = new RawClient(door.port())) {
            RawClient.Response r = c.exchange("POST /echo HTTP/1.1\r\nHost: a\r\n\rContent-Length: "
                    + smuggled.length() + "\r\n\r\n" + smuggled);
            assertEquals(400, r.status());
            assertEquals("close", r.header("Connection"));
            assertTrue(c.closedByServer());
        }
        assertEquals(0, b.hits.get());
    }

    /** Point 7: the lesser parsing probes, seen from the wire. */
    @Test
    void framingAndHostProblemsAreRefusedAndNeverForwarded() throws Exception {
        FakeBackend b = backend();
        start(r -> new Pick.Routed(b.replica()), ForwardListener.NONE, Limits.DEFAULTS);
        String[][] cases = {
                {"400", "GET /home HTTP/1.1\r\n\r\n"},
                {"400", "GET /home HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"},
                {"501", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"},
                {"400", "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1 2\r\nx\r\n0\r\n\r\n"},
                {"400", "GET /home HTTP/1.1\r\nHost: a\r\nConnection: Host\r\n\r\n"},
        };
        for (String[] c : cases) {
            try (RawClient client = new RawClient(door.port())) {
                RawClient.Response r = client.exchange(c[1]);
                assertEquals(Integer.parseInt(c[0]), r.status(), c[1]);
                assertEquals("application/json", r.header("Content-Type"));
                assertTrue(client.closedByServer(), "framing in doubt: closed");
            }
        }
        assertEquals(0, b.hits.get());
        try (RawClient client = new RawClient(door.port())) {
            RawClient.Response r = client.exchange("GET http://origin.example:81/home HTTP/1.1\r\nHost: other\r\n"
                    + "X-Name: caf\u00e9\r\n\r\n");
            assertEquals(200, r.status());
        }
        assertEquals("origin.example:81", b.seen.getFirst().headers().getFirst("Host"), "the authority is the Host");
        assertEquals(1, b.seen.getFirst().headers().get("Host").size());
    }
}
