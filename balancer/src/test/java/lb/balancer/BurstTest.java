package lb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import lb.balancer.config.BalancerConfigParser;
import lb.balancer.membership.Member;
import lb.balancer.membership.PoolEvent;
import lb.balancer.membership.Transition;
import lb.balancer.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, probe 8 (Deliver 6), scaled to a unit test: {@value #CONNECTIONS} connections each send one GET at the
 * same instant to a balancer (static runtime) in front of three small backends (a few worker threads each, as a
 * server's thread pool is). Every request is answered, with 200 or the balancer's own 503 (never a reset, a timeout
 * or a 502); no replica is declared dead or left out of the ring afterwards, and every one serves a pinned GET again.
 * The full 8,000-connection burst, with times, is {@code bench/burst.sh}.
 */
class BurstTest {

    private static final int CONNECTIONS = 3_500;
    private static final int READ_TIMEOUT_MS = 20_000;

    private final List<HttpServer> backends = new ArrayList<>();
    private final List<ExecutorService> workers = new ArrayList<>();
    private Balancer balancer;

    @BeforeEach
    void startThreeBackendsAndTheBalancer() throws Exception {
        List<String> urls = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            HttpServer backend = backend(id);
            backends.add(backend);
            urls.add("http://127.0.0.1:" + backend.getAddress().getPort());
        }
        balancer = Balancer.start(BalancerConfigParser.parse(Map.of(
                "LB_RUNTIME", "static",
                "LB_BACKENDS", String.join(",", urls),
                "LB_PORT", "0")));
        Await.until(() -> balancer.pool().healthyCount() == 3, "three backends up");
    }

    @AfterEach
    void stop() {
        if (balancer != null) {
            balancer.close();
        }
        backends.forEach(backend -> backend.stop(0));
        workers.forEach(ExecutorService::shutdownNow);
    }

    @Test
    void aBurstIsAnsweredWith200OrAFast503AndNoReplicaIsTakenForDead() throws Exception {
        Map<String, AtomicInteger> statuses = burst(CONNECTIONS);
        System.out.println("[burst] " + CONNECTIONS + " connections, answers by status: " + new TreeMap<>(statuses));

        int answered = statuses.getOrDefault("200", new AtomicInteger()).get()
                + statuses.getOrDefault("503", new AtomicInteger()).get();
        assertEquals(CONNECTIONS, answered, "every request answered with 200 or 503: " + new TreeMap<>(statuses));
        List<PoolEvent> events = balancer.pool().journal().recent(200);
        assertTrue(events.stream().noneMatch(e -> e.transition() == Transition.DEAD),
                "no replica declared dead: " + events);
        Await.until(() -> balancer.pool().members().stream().allMatch(m -> m.health() == Member.Health.UP),
                "every replica back in the ring");
        for (String name : List.of("Server1", "Server2", "Server3")) {
            assertEquals("200", pinnedGet(name), name + " serves after the burst");
        }
        assertEquals(List.of("Server1", "Server2", "Server3"), balancer.pool().names());
    }

    /** Opens {@code n} connections, then sends one GET on each at once; the status of each answer, by status. */
    private Map<String, AtomicInteger> burst(int n) throws Exception {
        Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
        CountDownLatch connected = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        InetSocketAddress door = new InetSocketAddress(InetAddress.getLoopbackAddress(), balancer.port());
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                int key = 100_000 + i;
                clients.submit(() -> {
                    String status;
                    boolean counted = false;
                    try (Socket socket = new Socket()) {
                        socket.connect(door, 10_000);
                        socket.setSoTimeout(READ_TIMEOUT_MS);
                        connected.countDown();
                        counted = true;
                        go.await();
                        socket.getOutputStream().write(("GET /home HTTP/1.1\r\nHost: burst\r\nX-Request-Id: " + key
                                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        status = statusOf(socket.getInputStream());
                    } catch (java.net.SocketTimeoutException e) {
                        status = "no answer";
                    } catch (Exception e) {
                        status = e.getClass().getSimpleName();
                    } finally {
                        if (!counted) {
                            connected.countDown(); // a failed connect must not hold the others back
                        }
                    }
                    statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                    return null;
                });
            }
            assertTrue(connected.await(60, TimeUnit.SECONDS), "connections opened");
            go.countDown();
        }
        return statuses;
    }

    private String pinnedGet(String replica) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), balancer.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET /home HTTP/1.1\r\nHost: burst\r\nX-LB-Replica: " + replica
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return statusOf(socket.getInputStream());
        }
    }

    private static String statusOf(InputStream in) throws IOException {
        String head = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        return head.startsWith("HTTP/1.") && head.length() >= 12 ? head.substring(9, 12) : "malformed";
    }

    /** A backend with a small worker pool and accept queue, as a real server has: it can be overloaded. */
    private HttpServer backend(int id) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        byte[] home = ("{\"message\": \"Hello from Server: " + id + "\", \"status\": \"successful\"}")
                .getBytes(StandardCharsets.UTF_8);
        server.createContext("/home", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, home.length);
            exchange.getResponseBody().write(home);
            exchange.close();
        });
        server.createContext("/heartbeat", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        ExecutorService pool = Executors.newFixedThreadPool(8);
        workers.add(pool);
        server.setExecutor(pool);
        server.start();
        return server;
    }
}
