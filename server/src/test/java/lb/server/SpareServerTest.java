package lb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpareServerTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private ReplicaServer spare() {
        return ReplicaServer.spare(0, Map.of("PORT", "0", "SERVER_SPARE", "true"), dir.resolve("claim"));
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> claim(int port, String form) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/claim"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void unclaimedSpareAnswersHeartbeatButNotHome() throws Exception {
        try (ReplicaServer server = spare()) {
            int port = server.start();

            assertEquals(200, get(port, "/heartbeat").statusCode());
            HttpResponse<String> home = get(port, "/home");
            assertEquals(503, home.statusCode());
            assertEquals("{\"message\": \"<Error> this spare has not been claimed yet\", \"status\": \"failure\"}",
                    home.body());
        }
    }

    @Test
    void claimGivesTheSpareItsIdRegionAndLatencyAndIsRecorded() throws Exception {
        try (ReplicaServer server = spare()) {
            int port = server.start();

            HttpResponse<String> claimed = claim(port,
                    "SERVER_ID=4&SERVER_NAME=Server4&SERVER_REGION=eu&SERVER_LATENCY_MS=150");

            assertEquals(200, claimed.statusCode(), claimed.body());
            assertEquals("{\"message\": \"claimed as server 4\", \"status\": \"successful\"}", claimed.body());
            long began = System.nanoTime();
            HttpResponse<String> home = get(port, "/home");
            assertTrue((System.nanoTime() - began) / 1_000_000 >= 150, "the claimed latency applies");
            assertEquals("{\"message\": \"Hello from Server: 4\", \"status\": \"successful\"}", home.body());
            assertEquals("eu", home.headers().firstValue("X-Server-Region").orElseThrow());
            assertEquals("SERVER_ID=4&SERVER_NAME=Server4&SERVER_REGION=eu&SERVER_LATENCY_MS=150\n",
                    Files.readString(dir.resolve("claim")));
        }
    }

    @Test
    void secondClaimIsRefusedAndChangesNothing() throws Exception {
        try (ReplicaServer server = spare()) {
            int port = server.start();
            claim(port, "SERVER_ID=4&SERVER_NAME=Server4");

            HttpResponse<String> again = claim(port, "SERVER_ID=5&SERVER_NAME=Server5");

            assertEquals(409, again.statusCode());
            assertEquals("{\"message\": \"<Error> already claimed as server 4\", \"status\": \"failure\"}",
                    again.body());
            assertEquals("{\"message\": \"Hello from Server: 4\", \"status\": \"successful\"}",
                    get(port, "/home").body());
            assertEquals("SERVER_ID=4&SERVER_NAME=Server4\n", Files.readString(dir.resolve("claim")));
        }
    }

    @Test
    void badClaimsAreRefusedWithTheReasonAndLeaveTheSpareUnclaimed() throws Exception {
        try (ReplicaServer server = spare()) {
            int port = server.start();
            Map<String, String> refusals = Map.of(
                    "SERVER_NAME=Server4", "SERVER_ID",
                    "SERVER_ID=4&PORT=6000", "no such field",
                    "SERVER_ID=4&SERVER_LATENCY_MS=fast", "SERVER_LATENCY_MS",
                    "SERVER_ID=4%22%0A", "SERVER_ID",
                    "SERVER_ID=4&SERVER_ID=5", "exactly one value");

            refusals.forEach((form, reason) -> {
                try {
                    HttpResponse<String> refused = claim(port, form);
                    assertEquals(400, refused.statusCode(), form);
                    assertTrue(refused.body().contains(reason), form + " -> " + refused.body());
                    assertTrue(refused.body().endsWith("\"status\": \"failure\"}"), refused.body());
                } catch (Exception e) {
                    throw new AssertionError(form, e);
                }
            });

            assertEquals(503, get(port, "/home").statusCode());
            assertFalse(Files.exists(dir.resolve("claim")));
            assertEquals(200, claim(port, "SERVER_ID=4").statusCode(), "still claimable");
        }
    }

    @Test
    void aReplicaStartedWithItsIdCannotBeClaimed() throws Exception {
        try (ReplicaServer server = new ReplicaServer(ServerConfig.withId("1").withPort(0))) {
            int port = server.start();

            assertEquals(404, claim(port, "SERVER_ID=9").statusCode());
            assertEquals("{\"message\": \"Hello from Server: 1\", \"status\": \"successful\"}",
                    get(port, "/home").body());
        }
    }
}
