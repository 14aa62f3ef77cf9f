package lb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ReplicaServerTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void homeAnswersTheSpecMessageWithItsId() throws Exception {
        ServerConfig config = new ServerConfig("7", 0, "eu", 0, 0, 0, 1_000, OptionalLong.empty());
        try (ReplicaServer server = new ReplicaServer(config)) {
            int port = server.start();

            HttpResponse<String> response = get(port, "/home");

            assertEquals(200, response.statusCode());
            assertEquals("{\"message\": \"Hello from Server: 7\", \"status\": \"successful\"}", response.body());
            assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("eu", response.headers().firstValue("X-Server-Region").orElseThrow());
        }
    }

    @Test
    void heartbeatIsAnEmpty200() throws Exception {
        try (ReplicaServer server = new ReplicaServer(ServerConfig.withId("1").withPort(0))) {
            int port = server.start();

            HttpResponse<String> response = get(port, "/heartbeat");

            assertEquals(200, response.statusCode());
            assertEquals("", response.body());
        }
    }

    @Test
    void unknownPathIs404() throws Exception {
        try (ReplicaServer server = new ReplicaServer(ServerConfig.withId("1").withPort(0))) {
            assertEquals(404, get(server.start(), "/other").statusCode());
        }
    }

    @Test
    void homeIsDelayedButHeartbeatIsNot() throws Exception {
        ServerConfig config = new ServerConfig("2", 0, "default", 300, 0, 0, 1_000, OptionalLong.empty());
        try (ReplicaServer server = new ReplicaServer(config)) {
            int port = server.start();
            get(port, "/heartbeat"); // warm up the connection and the JIT path

            long homeStart = System.nanoTime();
            get(port, "/home");
            long homeMillis = (System.nanoTime() - homeStart) / 1_000_000;
            long beatStart = System.nanoTime();
            get(port, "/heartbeat");
            long beatMillis = (System.nanoTime() - beatStart) / 1_000_000;

            assertTrue(homeMillis >= 300, "home took " + homeMillis + " ms");
            assertTrue(beatMillis < 300, "heartbeat took " + beatMillis + " ms");
        }
    }
}
