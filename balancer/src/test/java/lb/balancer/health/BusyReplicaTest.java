package lb.balancer.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import lb.balancer.config.BalancerConfig.HealthSettings;
import lb.balancer.membership.FakeRuntime;
import lb.balancer.membership.Member;
import lb.balancer.membership.PoolEvent;
import lb.balancer.membership.ReplicaPool;
import lb.balancer.membership.Transition;
import lb.balancer.testing.Await;
import lb.balancer.testing.WiredBalancer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, Deliver 6 ("a replica that is slow because it is busy stays in the ring"): the balancer wired as in
 * production ({@link WiredBalancer}), with in-process replicas whose heartbeats can be stalled while their {@code /home} still answers.
 * A replica whose heartbeats time out while it keeps answering the data path is busy, not dead; once it stops
 * answering too (hung), the same late heartbeats take it out.
 */
class BusyReplicaTest {

    private static final HealthSettings QUICK = new HealthSettings(Duration.ofMillis(50), Duration.ofMillis(400), 2);

    private WiredBalancer balancer;
    private FakeRuntime runtime;
    private ReplicaPool pool;
    private final List<String> heartbeatsOfServer2 = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        balancer = WiredBalancer.start(QUICK, 2, (replica, beat) -> {
            if (replica.name().equals("Server2")) heartbeatsOfServer2.add(beat.result());
        });
        runtime = balancer.runtime();
        pool = balancer.pool();
    }

    @AfterEach
    void stop() {
        runtime.answerHeartbeatsOf("Server2");
        balancer.close();
    }

    @Test
    void aReplicaWithLateHeartbeatsThatKeepsAnsweringStaysInTheRing() throws Exception {
        AtomicBoolean serving = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                clients.submit(() -> {
                    while (serving.get()) {
                        if ("200".equals(pinnedGet("Server2"))) answered.incrementAndGet();
                    }
                    return null;
                });
            }
            int eventsBefore;
            try {
                Await.until(() -> answered.get() > 20, "traffic to Server2 flowing");
                eventsBefore = eventsOf("Server2").size();
                runtime.stallHeartbeatsOf("Server2");
                Await.until(() -> heartbeatsOfServer2.stream().filter(r -> r.contains("busy")).count() >= 5,
                        "five heartbeats of Server2 late while it serves: " + heartbeatsOfServer2);
            } finally {
                serving.set(false);
            }

            List<PoolEvent> meanwhile = eventsOf("Server2").subList(eventsBefore, eventsOf("Server2").size());
            assertEquals(List.of(), meanwhile, "no transition of Server2 while it answered");
            assertTrue(pool.members().stream().allMatch(m -> m.health() == Member.Health.UP), "all in the ring");
        }
    }

    @Test
    void lateHeartbeatsOfAReplicaThatAnswersNothingStillTakeItOut() throws Exception {
        assertEquals("200", pinnedGet("Server2"));
        runtime.stallHeartbeatsOf("Server2");

        Await.until(() -> eventsOf("Server2").stream().anyMatch(e -> e.transition() == Transition.DEAD),
                "Server2, hung, declared dead");
        PoolEvent suspect = eventsOf("Server2").stream().filter(e -> e.transition() == Transition.SUSPECT)
                .findFirst().orElseThrow();
        assertTrue(suspect.cause().startsWith("heartbeat timeout"), suspect.cause());
        assertTrue(heartbeatsOfServer2.stream().noneMatch(r -> r.contains("busy")), "never excused as busy");
    }

    @Test
    void heartbeatsLateEverywhereTakeAtMostTheAllowedShareOutAndReplaceNone() throws Exception {
        // What a CPU-starved balancer or host sees: every heartbeat late at once, no traffic to excuse any of them.
        List.of("Server1", "Server2", "Server3").forEach(runtime::stallHeartbeatsOf);
        try {
            Await.until(() -> pool.journal().recent(500).stream()
                    .filter(e -> e.transition() == Transition.EJECTION_LIMITED).count() >= 2,
                    "two replicas kept in by the ejection limit");
            int mostOut = 0;
            long end = System.nanoTime() + Duration.ofSeconds(2).toNanos(); // within HealthMonitor.MAJORITY_GRACE
            while (System.nanoTime() < end) {
                mostOut = Math.max(mostOut, (int) pool.members().stream()
                        .filter(m -> m.health() != Member.Health.UP).count());
                Thread.sleep(10);
            }
            assertEquals(1, mostOut, "at most LB_MAX_EJECTION_PERCENT=50 of three out at once");
            assertTrue(pool.journal().recent(500).stream().noneMatch(e -> e.transition() == Transition.DEAD),
                    "none declared dead while most fail at once: " + pool.journal().recent(500));
        } finally {
            List.of("Server1", "Server3").forEach(runtime::answerHeartbeatsOf);
        }
    }

    private List<PoolEvent> eventsOf(String name) {
        return pool.journal().recent(500).stream().filter(e -> e.replica().equals(name)).toList();
    }

    private String pinnedGet(String replica) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), balancer.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET /home HTTP/1.1\r\nHost: busy\r\nX-LB-Replica: " + replica
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return statusOf(socket.getInputStream());
        } catch (IOException e) {
            return e.getClass().getSimpleName();
        }
    }

    private static String statusOf(InputStream in) throws IOException {
        String head = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        return head.startsWith("HTTP/1.") && head.length() >= 12 ? head.substring(9, 12) : "malformed";
    }
}
