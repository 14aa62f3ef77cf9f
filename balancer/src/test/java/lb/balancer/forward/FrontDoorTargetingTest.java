package lb.balancer.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import lb.balancer.replica.Replica;
import lb.balancer.replica.ReplicaSpec;
import lb.balancer.routing.Picker;
import lb.balancer.routing.ReplicaStats;
import lb.balancer.routing.Strategies;
import lb.balancer.routing.StrategyContext;
import lb.balancer.routing.Targeting;
import lb.hashring.RingConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The targeting headers end to end (SPEC §8): Server1 in region {@code near}, Server2 in {@code far} (both live),
 * Server3 in {@code far} but dead; round robin, so without a target both live replicas would answer.
 */
class FrontDoorTargetingTest {

    private FakeBackend one;
    private FakeBackend two;
    private FrontDoor door;

    @BeforeEach
    void start() throws Exception {
        one = new FakeBackend(1);
        two = new FakeBackend(2);
        Replica near = new Replica("Server1", 1, "127.0.0.1", one.port(), "near");
        Replica far = new Replica("Server2", 2, "127.0.0.1", two.port(), "far");
        List<ReplicaSpec> members = List.of(new ReplicaSpec("Server1", 1, "near", Map.of()),
                new ReplicaSpec("Server2", 2, "far", Map.of()), new ReplicaSpec("Server3", 3, "far", Map.of()));
        StrategyContext context = StrategyContext.of(RingConfig.defaults(), new ReplicaStats());
        Picker picker = Targeting.over(Strategies.create("round-robin", Map.of(), context), List.of(near, far), members);
        door = FrontDoor.builder().bind("127.0.0.1", 0).pickers(() -> picker).keyHasher(Long::parseLong).build().start();
    }

    @AfterEach
    void stop() {
        door.close();
        one.close();
        two.close();
    }

    private RawClient.Response get(String headers) throws Exception {
        try (RawClient c = new RawClient(door.port())) {
            return c.exchange("GET /home HTTP/1.1\r\nHost: lb\r\n" + headers + "\r\n");
        }
    }

    @Test
    void regionHeaderKeepsEveryRequestInThatRegion() throws Exception {
        for (int i = 0; i < 6; i++) {
            RawClient.Response r = get("X-LB-Region: far\r\n");
            assertEquals(200, r.status());
            assertEquals("Server2", r.headers().get("x-served-by"));
        }
        assertEquals(0, one.hits.get());
    }

    @Test
    void theTraceHeaderIsForTheBalancerOnly() throws Exception {
        RawClient.Response r = get("X-LB-Replica: server1\r\nX-LB-Trace: 1\r\n");
        assertEquals(200, r.status());
        assertNull(r.headers().get("x-lb-trace"), "this front door was built without a tracer");
        assertNull(one.seen.get(0).headers().getFirst("X-LB-Trace"), "never forwarded to the replica");
    }

    @Test
    void replicaHeaderPinsTheRequestAndIsNotForwarded() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertEquals("Server1", get("X-LB-Replica: server1\r\n").headers().get("x-served-by"));
        }
        assertEquals(4, one.hits.get());
        assertNull(one.seen.get(0).headers().getFirst("X-LB-Replica"), "targeting is for the balancer only");
    }

    @Test
    void unknownTargetsGetA400ThatNamesWhatExists() throws Exception {
        RawClient.Response region = get("X-LB-Region: mars\r\n");
        assertEquals(400, region.status());
        assertEquals("{\"message\": \"<Error> Unknown region 'mars'; regions: near, far\", \"status\": \"failure\"}",
                region.body());
        RawClient.Response replica = get("X-LB-Replica: Server9\r\n");
        assertEquals(400, replica.status());
        assertTrue(replica.body().contains("Unknown replica 'Server9'; replicas: Server1, Server2, Server3"),
                replica.body());
        assertEquals(0, one.hits.get() + two.hits.get(), "a refused request reaches no replica");
    }

    @Test
    void aTargetWithNoHealthyReplicaGetsA503() throws Exception {
        RawClient.Response r = get("X-LB-Replica: Server3\r\n");
        assertEquals(503, r.status());
        assertEquals("{\"message\": \"<Error> Replica 'Server3' is not healthy\", \"status\": \"failure\"}", r.body());
        RawClient.Response mismatch = get("X-LB-Region: near\r\nX-LB-Replica: Server2\r\n");
        assertEquals(400, mismatch.status());
        assertTrue(mismatch.body().contains("Replica 'Server2' is in region 'far', not 'near'"), mismatch.body());
    }

    @Test
    void malformedOrRepeatedTargetHeadersAre400AndReachNoReplica() throws Exception {
        RawClient.Response bad = get("X-LB-Region: \"}\\u0000\r\n");
        assertEquals(400, bad.status());
        assertEquals("{\"message\": \"<Error> X-LB-Region must be 1-64 letters, digits, '.', '_' or '-'\", "
                + "\"status\": \"failure\"}", bad.body());
        RawClient.Response twice = get("X-LB-Region: near\r\nX-LB-Region: far\r\n");
        assertEquals(400, twice.status());
        assertTrue(twice.body().contains("may each be given once"), twice.body());
        assertEquals(0, one.hits.get() + two.hits.get());
    }
}
