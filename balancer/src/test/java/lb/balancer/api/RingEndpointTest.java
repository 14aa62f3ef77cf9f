package lb.balancer.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lb.balancer.membership.FakeRuntime;
import lb.balancer.membership.ReplicaPool;
import lb.balancer.replica.Replica;
import lb.balancer.routing.ConsistentHashStrategy;
import lb.balancer.routing.ReplicaStats;
import lb.balancer.routing.RoundRobinStrategy;
import lb.balancer.routing.StrategyContext;
import lb.balancer.testing.Await;
import lb.hashring.HashPresets;
import lb.hashring.HashRing;
import lb.hashring.RingConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /ring} against the ring the hashring library computes, and {@code GET /dashboard}'s self-containment. */
class RingEndpointTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeRuntime runtime;
    private ReplicaPool pool;
    private AdminApi api;
    private int port;

    @BeforeEach
    void start() throws Exception {
        runtime = new FakeRuntime();
        pool = new ReplicaPool(runtime, new ConsistentHashStrategy(RingConfig.defaults()), 56);
        pool.bootstrap(3);
        api = new AdminApi(pool, 56, StrategyContext.of(RingConfig.defaults(), new ReplicaStats()));
        port = api.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        api.close();
        pool.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ring() throws Exception {
        HttpResponse<String> response = get("/ring");
        assertEquals(200, response.statusCode(), response.body());
        JsonNode root = JSON.readTree(response.body());
        assertEquals("successful", root.get("status").asText());
        return root.get("message");
    }

    @Test
    void slotRoutesAndVirtualNodesAreTheLibrarysRing() throws Exception {
        JsonNode ring = ring();
        HashRing expected = HashRing.of(RingConfig.defaults(), List.of(1, 2, 3));
        assertEquals(512, ring.get("slots").asInt());
        assertEquals(9, ring.get("virtualNodes").asInt());
        assertEquals(HashPresets.mixed().name(), ring.get("hash").asText());
        assertTrue(ring.get("routing").asBoolean());
        for (int slot = 0; slot < 512; slot++) {
            assertEquals(expected.routeOfSlot(slot), ring.get("routes").get(slot).asInt(), "route of slot " + slot);
        }
        int owned = 0;
        for (JsonNode replica : ring.get("replicas")) {
            int id = replica.get("id").asInt();
            List<Integer> nodes = new ArrayList<>();
            replica.get("nodes").forEach(n -> nodes.add(n.asInt()));
            assertEquals(9, nodes.size(), replica.toString());
            for (int slot : nodes) {
                assertEquals(id, expected.ownerOfSlot(slot), "virtual node at " + slot);
            }
            owned += replica.get("owned").asInt();
        }
        assertEquals(512, owned, "every slot owned by one replica");
    }

    @Test
    void aReplicaOutOfTheRingOwnsNothingAndItsSlotsGoToTheOthers() throws Exception {
        Replica server2 = pool.replicas().get(1);
        runtime.setAvailable(false); // no replacement during the test
        pool.markDown(server2, "test");
        Await.until(() -> pool.replicas().size() == 2, "Server2 out of the ring");

        JsonNode ring = ring();
        HashRing expected = HashRing.of(RingConfig.defaults(), List.of(1, 3));
        JsonNode row = ring.get("replicas").get(1);
        assertEquals("Server2", row.get("name").asText());
        assertFalse(row.get("inRing").asBoolean());
        assertEquals(0, row.get("owned").asInt());
        assertEquals(9, row.get("nodes").size(), "where its nodes sit when it is back");
        for (int slot = 0; slot < 512; slot++) {
            assertEquals(expected.routeOfSlot(slot), ring.get("routes").get(slot).asInt(), "route of slot " + slot);
        }
    }

    @Test
    void aStrategyOffTheRingIsSaidSo() throws Exception {
        pool.useStrategy(new RoundRobinStrategy());
        Await.until(() -> pool.strategy() instanceof RoundRobinStrategy, "the switch (on the membership context)");
        assertFalse(ring().get("routing").asBoolean());
    }

    @Test
    void dashboardIsOneSelfContainedPage() throws Exception {
        HttpResponse<String> page = get("/dashboard");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        String html = page.body();
        assertTrue(html.contains("\"strategies\": [{\"name\": \"consistent-hash\""), "the strategy table written in");
        // Nothing from elsewhere: no absolute URL but the SVG namespace, no external script, style or image.
        Matcher urls = Pattern.compile("(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}").matcher(html);
        while (urls.find()) {
            assertEquals("http://www.w3.org", urls.group(), "only the SVG namespace is an absolute URL");
        }
        assertFalse(Pattern.compile("<(script|link|img)[^>]+(src|href)=").matcher(html).find(), "no external asset");
    }
}
