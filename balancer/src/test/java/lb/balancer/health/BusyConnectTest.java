package lb.balancer.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import lb.balancer.config.BalancerConfig.HealthSettings;
import lb.balancer.forward.FrontDoor;
import lb.balancer.membership.PoolEvent;
import lb.balancer.membership.ReplicaPool;
import lb.balancer.membership.Transition;
import lb.balancer.replica.ForwardListener;
import lb.balancer.replica.Replica;
import lb.balancer.routing.ConsistentHashStrategy;
import lb.balancer.runtime.StaticRuntime;
import lb.balancer.testing.Await;
import lb.hashring.RingConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, Deliver 6 (a replica that is slow because it is busy stays in the ring), for the passive path: the cause
 * of BurstTest's replica declared dead after "connect failed while forwarding". Under a burst a replica's accept queue
 * fills up, so a new connection to it times out while the connections it already has go on answering. Here the
 * replica is a socket server that accepts one connection and then never again, with its accept queue filled: the
 * balancer's pooled connection still gets answers, a second connection cannot be made (its SYN is dropped, Linux
 * never answers it while the queue is full). The wiring is the real one (front door, health monitor as its
 * listener, {@code readLastAnswersFrom(door::lastAnswerNanos)}); heartbeats are not started (they would wait in the
 * same full queue: this is about the data path's evidence only).
 */
class BusyConnectTest {

    /** No heartbeat runs during the test; the timeout is what the monitor would use. */
    private static final HealthSettings PASSIVE_ONLY = new HealthSettings(Duration.ofHours(1), Duration.ofMillis(500), 2);

    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private final CountDownLatch answerSlowRequest = new CountDownLatch(1);
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger connectFailures = new AtomicInteger();
    private ServerSocket busy;
    private HttpServer other;
    private ReplicaPool pool;
    private HealthMonitor health;
    private FrontDoor door;
    private Replica busyReplica;
    private Replica otherReplica;

    @BeforeEach
    void start() throws Exception {
        busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::acceptOnceAndServe);
        other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        other.createContext("/home", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        other.start();
        pool = new ReplicaPool(new StaticRuntime(List.of(URI.create("http://127.0.0.1:" + busy.getLocalPort()),
                URI.create("http://127.0.0.1:" + other.getAddress().getPort()))),
                new ConsistentHashStrategy(RingConfig.defaults()), 56);
        pool.bootstrap(2);
        busyReplica = pool.replicas().get(0);
        otherReplica = pool.replicas().get(1);
        health = new HealthMonitor(pool, PASSIVE_ONLY);
        ForwardListener counting = new ForwardListener() {
            @Override
            public void started(Replica replica) {
                if (replica.equals(busyReplica)) started.incrementAndGet();
            }

            @Override
            public void finished(Replica replica, long nanos, Outcome outcome) {
                if (replica.equals(busyReplica) && outcome == Outcome.CONNECT_FAILED) connectFailures.incrementAndGet();
            }
        };
        door = FrontDoor.builder().bind("127.0.0.1", 0).keyHasher(k -> 1).pickers(pool.pickers())
                .listener(ForwardListener.all(health, counting))
                .connectTimeout(Duration.ofMillis(500))
                .eventLoops(1) // one upstream pool, so the second request finds the first connection busy
                .build().start();
        health.readLastAnswersFrom(door::lastAnswerNanos); // as Balancer wires it
        health.readAnswersFrom(door::answeredBy);
    }

    @AfterEach
    void stop() throws Exception {
        answerSlowRequest.countDown();
        if (door != null) door.close();
        if (health != null) health.close();
        if (pool != null) pool.close();
        for (AutoCloseable c : closeAfter) c.close();
        busy.close();
        other.stop(0);
    }

    @Test
    void aConnectTimeoutWhileTheReplicaAnswersItsOtherRequestsLeavesItInTheRing() throws Exception {
        CompletableFuture<String> slow = busyWithOneConnectionAndAFullAcceptQueue();
        CompletableFuture<String> needsANewConnection = pinnedGetInBackground();
        Await.until(() -> started.get() == 3, "the third request's attempt is connecting");

        answerSlowRequest.countDown(); // the replica answers while the new connection waits
        assertEquals("200", slow.get(5, TimeUnit.SECONDS));
        needsANewConnection.get(5, TimeUnit.SECONDS);
        assertEquals(1, connectFailures.get(), "the third request's connect timed out");

        assertEquals(List.of(), verdictsOn(busyReplica), "a replica answering meanwhile is busy, not suspect");
        assertTrue(pool.replicas().contains(busyReplica), "still in the ring");
    }

    @Test
    void aConnectTimeoutWhileTheReplicaAnswersNothingStillMakesItSuspect() throws Exception {
        CompletableFuture<String> slow = busyWithOneConnectionAndAFullAcceptQueue();
        CompletableFuture<String> needsANewConnection = pinnedGetInBackground();
        Await.until(() -> started.get() == 3, "the third request's attempt is connecting");

        needsANewConnection.get(5, TimeUnit.SECONDS); // times out with no answer from the replica meanwhile
        assertEquals(1, connectFailures.get(), "the third request's connect timed out");
        answerSlowRequest.countDown();
        assertEquals("200", slow.get(5, TimeUnit.SECONDS));

        List<Transition> verdicts = verdictsOn(busyReplica);
        assertEquals(Transition.SUSPECT, verdicts.getFirst(), "a replica that answers nothing is suspect: " + verdicts);
    }

    /**
     * The busy replica's state after one request answered on its only connection and a second one held there: the
     * second request's future, answered once {@link #answerSlowRequest} opens. Its accept queue is full from here on.
     */
    private CompletableFuture<String> busyWithOneConnectionAndAFullAcceptQueue() throws Exception {
        assertEquals("200", pinnedGet(busyReplica.name()), "the first request opens the one connection it accepts");
        fillAcceptQueue();
        CompletableFuture<String> slow = pinnedGetInBackground();
        Await.until(() -> started.get() == 2, "the second request is on the pooled connection");
        return slow;
    }

    /** Connects until a connect times out: from then on the kernel drops every new SYN to the busy replica. */
    private void fillAcceptQueue() throws IOException {
        for (int i = 0; i < 10; i++) {
            Socket filler = new Socket();
            try {
                filler.connect(busy.getLocalSocketAddress(), 200);
                closeAfter.add(filler);
            } catch (SocketTimeoutException full) {
                filler.close();
                return;
            }
        }
        throw new AssertionError("the accept queue of a backlog-1 listener did not fill up");
    }

    /**
     * The health thread's verdicts on {@code replica} (SUSPECT, EJECTION_LIMITED), read after a failure on the other
     * replica was handled: the monitor handles failures in order on one thread, so the busy replica's came first.
     */
    private List<Transition> verdictsOn(Replica replica) throws InterruptedException {
        health.finished(otherReplica, 0, ForwardListener.Outcome.CONNECT_FAILED);
        Await.until(() -> !eventsOf(otherReplica).isEmpty(), "the marker failure handled");
        return eventsOf(replica);
    }

    private List<Transition> eventsOf(Replica replica) {
        return pool.journal().recent(100).stream().filter(e -> e.replica().equals(replica.name()))
                .map(PoolEvent::transition)
                .filter(t -> t == Transition.SUSPECT || t == Transition.EJECTION_LIMITED || t == Transition.DEAD)
                .toList();
    }

    /** Serves one connection, keep-alive: the first request at once, later ones once {@link #answerSlowRequest}. */
    private void acceptOnceAndServe() {
        try (Socket s = busy.accept()) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            for (int n = 1; readHead(in); n++) {
                if (n > 1) answerSlowRequest.await();
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the test is over
        }
    }

    private static boolean readHead(InputStream in) throws IOException {
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
            if (matched == 4) return true;
        }
        return false;
    }

    private CompletableFuture<String> pinnedGetInBackground() {
        CompletableFuture<String> status = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> status.complete(pinnedGet(busyReplica.name())));
        return status;
    }

    private String pinnedGet(String replica) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), door.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET /home HTTP/1.1\r\nHost: busy\r\nX-LB-Replica: " + replica
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String head = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return head.startsWith("HTTP/1.") && head.length() >= 12 ? head.substring(9, 12) : "malformed";
        } catch (IOException e) {
            return e.getClass().getSimpleName();
        }
    }
}
