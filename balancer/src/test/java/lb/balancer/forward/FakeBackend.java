package lb.balancer.forward;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import lb.balancer.replica.Replica;

/**
 * An in-process replica on the JDK HTTP server: {@code /home} answers like the real server, {@code /echo} returns the
 * request body (and names the method in X-Echo-Method), {@code /slow} sleeps first, {@code /405} is a 405, anything
 * else is 404. Records what it received.
 */
final class FakeBackend implements AutoCloseable {

    record Seen(String method, String path, Headers headers, byte[] body, int remotePort) {}

    final int id;
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    final Set<Integer> connections = ConcurrentHashMap.newKeySet();
    final AtomicInteger hits = new AtomicInteger();
    volatile Duration slowDelay = Duration.ofSeconds(2);
    private final HttpServer server;

    FakeBackend(int id) throws IOException {
        this.id = id;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    Replica replica() {
        return new Replica("Server" + id, id, "127.0.0.1", port(), "default");
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        String path = ex.getRequestURI().getPath();
        seen.add(new Seen(ex.getRequestMethod(), path, ex.getRequestHeaders(), body,
                ex.getRemoteAddress().getPort()));
        connections.add(ex.getRemoteAddress().getPort());
        hits.incrementAndGet();
        switch (path) {
            case "/home" -> reply(ex, 200, "{\"message\": \"Hello from Server: " + id + "\", \"status\": \"successful\"}");
            case "/echo" -> {
                ex.getResponseHeaders().add("X-Echo-Length", Integer.toString(body.length));
                ex.getResponseHeaders().add("X-Echo-Method", ex.getRequestMethod());
                boolean head = "HEAD".equals(ex.getRequestMethod());
                ex.sendResponseHeaders(200, body.length == 0 || head ? -1 : body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
            case "/chunked" -> {
                ex.sendResponseHeaders(200, 0); // 0 = chunked in the JDK server
                try (OutputStream out = ex.getResponseBody()) {
                    for (int i = 0; i < 5; i++) {
                        out.write(("part" + i + ";").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                }
            }
            case "/slow" -> {
                try {
                    Thread.sleep(slowDelay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                reply(ex, 200, "slow");
            }
            case "/405" -> reply(ex, 405, "{\"message\": \"no such method\"}");
            default -> reply(ex, 404, "Not found");
        }
    }

    private static void reply(HttpExchange ex, int status, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
