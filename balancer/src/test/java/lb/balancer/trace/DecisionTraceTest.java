package lb.balancer.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lb.balancer.config.BalancerConfig.HealthSettings;
import lb.balancer.membership.FakeRuntime;
import lb.balancer.membership.ReplicaPool;
import lb.balancer.replica.Replica;
import lb.balancer.routing.BoundedHashStrategy;
import lb.balancer.routing.ReplicaStats;
import lb.balancer.testing.Await;
import lb.balancer.testing.WiredBalancer;
import lb.hashring.HashRing;
import lb.hashring.RequestKeys;
import lb.hashring.RingConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code X-LB-Trace: 1} end to end: the pool, data path and admin API wired as the balancer wires them, with
 * in-process replicas. What the trace says is checked against what the ring computes on its own.
 */
class DecisionTraceTest {

    /** Heartbeats so rare that only what the test does changes health. */
    private static final HealthSettings PASSIVE_ONLY = new HealthSettings(Duration.ofHours(1), Duration.ofSeconds(2), 2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RingConfig RING = WiredBalancer.RING;
    private static final long KEY = 424_242;

    private WiredBalancer balancer;
    private FakeRuntime runtime;
    private ReplicaPool pool;
    private ReplicaStats stats;

    @BeforeEach
    void start() throws Exception {
        balancer = WiredBalancer.start(PASSIVE_ONLY, 1);
        runtime = balancer.runtime();
        pool = balancer.pool();
        stats = balancer.stats();
    }

    @AfterEach
    void stop() {
        balancer.close();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        return balancer.get(path, headers);
    }

    /** The trace header's fields by name. */
    private static Map<String, String> trace(HttpResponse<?> response) {
        String header = response.headers().firstValue("X-LB-Trace").orElseThrow(() -> new AssertionError("no trace"));
        Map<String, String> fields = new LinkedHashMap<>();
        for (String field : header.split("; ")) {
            int eq = field.indexOf('=');
            fields.put(field.substring(0, eq), field.substring(eq + 1));
        }
        return fields;
    }

    private static String name(int id) {
        return "Server" + id;
    }

    private Replica replica(String name) {
        return pool.members().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow().replica();
    }

    /** The slot of the first virtual node at or after {@code slot}, read off the ring's own table. */
    private static int firstVirtualNode(HashRing ring, int slot) {
        int s = slot;
        while (ring.ownerOfSlot(s) == HashRing.NO_SERVER) s = (s + 1) % RING.slots();
        return s;
    }

    @Test
    void namesTheSlotVirtualNodeAndOwnerTheRingComputesForAFixedKey() throws Exception {
        HashRing ring = HashRing.of(RING, List.of(1, 2, 3));
        int slot = ring.slotOf(KEY);
        String owner = name(ring.serverFor(KEY));

        HttpResponse<String> response = get("/home?id=" + KEY, "X-LB-Trace", "1");
        assertEquals(200, response.statusCode());
        Map<String, String> t = trace(response);
        assertEquals(Long.toString(KEY), t.get("key"));
        assertEquals("query", t.get("source"));
        assertEquals(Long.toString(KEY), t.get("hash"), "a numeric key is its own hash");
        assertEquals(Integer.toString(slot), t.get("slot"));
        assertEquals(Integer.toString(firstVirtualNode(ring, slot)), t.get("vnode"));
        assertEquals(owner, t.get("owner"));
        assertEquals("consistent-hash", t.get("strategy"));
        assertFalse(t.containsKey("skipped"), "nothing skipped: " + t);
        assertEquals(owner, t.get("picked"));
        assertEquals("1 " + owner + " 200", t.get("tries"));
        assertEquals("200", t.get("status"));
        assertEquals(owner, response.headers().firstValue("X-Served-By").orElseThrow());

        // A key of another kind, in the header: hashed to a number first.
        Map<String, String> h = trace(get("/home", "X-Request-Id", "user-7", "X-LB-Trace", "1"));
        assertEquals("user-7", h.get("key"));
        assertEquals("header", h.get("source"));
        long hash = RequestKeys.toNumber("user-7");
        assertEquals(Long.toString(hash), h.get("hash"));
        assertEquals(Integer.toString(ring.slotOf(hash)), h.get("slot"));
        assertEquals(name(ring.serverFor(hash)), h.get("owner"));

        // Without a key the random one is named.
        assertEquals("random", trace(get("/home", "X-LB-Trace", "1")).get("source"));
    }

    @Test
    void aSuspectOwnerIsSkippedAndTheNextReplicaClockwiseIsPicked() throws Exception {
        HashRing ring = HashRing.of(RING, List.of(1, 2, 3));
        int ownerId = ring.serverFor(KEY);
        pool.markSuspect(replica(name(ownerId)), "test: made suspect");
        Await.until(() -> pool.healthyCount() == 2, "the owner out of the ring");
        List<Integer> others = List.of(1, 2, 3).stream().filter(id -> id != ownerId).toList();
        String next = name(HashRing.of(RING, others).serverFor(KEY)); // what the live ring routes to

        HttpResponse<String> response = get("/home?id=" + KEY, "X-LB-Trace", "1");
        assertEquals(200, response.statusCode());
        Map<String, String> t = trace(response);
        assertEquals(name(ownerId), t.get("owner"), "the owner is still named");
        assertTrue(t.get("skipped").startsWith(name(ownerId) + " suspect"), t.toString());
        assertEquals(next, t.get("picked"));
        assertEquals(next, response.headers().firstValue("X-Served-By").orElseThrow());
        assertEquals("1 " + next + " 200", t.get("tries"));
    }

    @Test
    void aTryThatFailedIsListedAndItsReplicaSkippedOnTheRetry() throws Exception {
        HashRing ring = HashRing.of(RING, List.of(1, 2, 3));
        String owner = name(ring.serverFor(KEY));
        runtime.kill(owner); // behind the pool's back: the first try meets a refused connection
        HttpResponse<String> response = get("/home?id=" + KEY, "X-LB-Trace", "1");
        assertEquals(200, response.statusCode());
        String servedBy = response.headers().firstValue("X-Served-By").orElseThrow();
        Map<String, String> t = trace(response);
        assertEquals(owner + ", " + servedBy, t.get("picked"), "one pick per try");
        assertEquals("1 " + owner + " connect failed, 2 " + servedBy + " 200", t.get("tries"));
        assertTrue(t.get("skipped").contains(owner + " failed on an earlier try"), t.toString());
    }

    @Test
    void aReplicaOverTheBoundedLoadCapIsSkippedWithItsLoad() throws Exception {
        pool.useStrategy(new BoundedHashStrategy(RING, stats, 1.25));
        HashRing ring = HashRing.of(RING, List.of(1, 2, 3));
        Replica owner = replica(name(ring.serverFor(KEY)));
        Await.until(() -> pool.strategy() instanceof BoundedHashStrategy, "the strategy switched");
        for (int i = 0; i < 4; i++) stats.started(owner); // four requests in flight there, none elsewhere
        // cap = ceil(1.25 * (4 + 1) / 3) = 3: the owner is over it
        Map<String, String> t = trace(get("/home?id=" + KEY, "X-LB-Trace", "1"));
        assertEquals("bounded-hash", t.get("strategy"));
        assertTrue(t.get("skipped").startsWith(owner.name() + " over the bounded-load cap (4 in flight, cap 3)"),
                t.toString());
        assertTrue(t.get("inputs").contains(owner.name() + " in-flight 4"), t.toString());
        assertFalse(t.get("picked").equals(owner.name()));
    }

    @Test
    void untracedRequestsGetNoTraceAndStatusKeepsTheTracedOnes() throws Exception {
        HttpResponse<String> plain = get("/home?id=" + KEY);
        assertEquals(200, plain.statusCode());
        assertTrue(plain.headers().firstValue("X-LB-Trace").isEmpty());
        assertTrue(get("/home?id=" + KEY, "X-LB-Trace", "0").headers().firstValue("X-LB-Trace").isEmpty(),
                "only 1 asks for a trace");
        String first = get("/home?id=1", "X-LB-Trace", "1").headers().firstValue("X-LB-Trace").orElseThrow();
        HttpResponse<String> missing = get("/missing?id=2", "X-LB-Trace", "1");
        assertEquals(400, missing.statusCode(), "the replicas' 404 is the API's 400, and is traced too");
        String second = missing.headers().firstValue("X-LB-Trace").orElseThrow();
        assertTrue(second.endsWith("status=400"), second);

        JsonNode traces = JSON.readTree(get("/status").body()).path("message").path("traces");
        assertEquals(2, traces.size(), traces.toString());
        assertEquals(first, traces.get(0).path("header").asText());
        assertEquals(second, traces.get(1).path("header").asText());
        assertEquals("2", traces.get(1).path("key").asText());
        assertEquals(400, traces.get(1).path("status").asInt());
        JsonNode decision = traces.get(0).path("decisions").get(0);
        HashRing ring = HashRing.of(RING, List.of(1, 2, 3));
        assertEquals(ring.slotOf(1), decision.path("slot").asInt());
        assertEquals(name(ring.serverFor(1)), decision.path("owner").asText());
        assertEquals(name(ring.serverFor(1)), traces.get(0).path("tries").get(0).path("replica").asText());
    }
}
