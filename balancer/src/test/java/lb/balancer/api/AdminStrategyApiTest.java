package lb.balancer.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import lb.balancer.membership.FakeRuntime;
import lb.balancer.membership.PoolException;
import lb.balancer.membership.ReplicaPool;
import lb.balancer.replica.Replica;
import lb.balancer.replica.ReplicaSpec;
import lb.balancer.routing.Pick;
import lb.balancer.routing.Picker;
import lb.balancer.routing.RouteRequest;
import lb.balancer.routing.ReplicaStats;
import lb.balancer.routing.Strategies;
import lb.balancer.routing.StrategyContext;
import lb.balancer.testing.LoopbackHttp;
import lb.hashring.HashRing;
import lb.hashring.RingConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET/PUT /strategy}, {@code /add} with an experiment profile, and {@code GET /status}. */
class AdminStrategyApiTest {

    private static final String CONSISTENT_HASH =
            "{\"message\": {\"name\": \"consistent-hash\", \"hash\": \"mixed\"}, \"status\": \"successful\"}";

    private FakeRuntime runtime;
    private ReplicaPool pool;
    private AdminApi api;
    private int port;

    @BeforeEach
    void start() throws PoolException {
        runtime = new FakeRuntime();
        StrategyContext context = StrategyContext.of(RingConfig.defaults(), new ReplicaStats());
        pool = new ReplicaPool(runtime, Strategies.create("consistent-hash", Map.of(), context), 56);
        pool.bootstrap(3);
        api = new AdminApi(pool, 56, context);
        port = api.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return LoopbackHttp.send(port, method, path, body);
    }

    private static void assertAnswer(HttpResponse<String> response, int status, String body) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(body, response.body());
    }

    @Test
    void getShowsTheStrategyInUse() throws Exception {
        assertAnswer(send("GET", "/strategy", null), 200, CONSISTENT_HASH);
    }

    @Test
    void putSwitchesLiveWithParametersAndDefaults() throws Exception {
        assertAnswer(send("PUT", "/strategy", "{\"name\": \"bounded-hash\", \"c\": 1.5}"), 200,
                "{\"message\": {\"name\": \"bounded-hash\", \"hash\": \"mixed\", \"c\": 1.5}, \"status\": \"successful\"}");
        assertEquals("bounded-hash", pool.strategy().name());
        assertAnswer(send("PUT", "/strategy", "{\"name\": \"Epsilon-Greedy\"}"), 200,
                "{\"message\": {\"name\": \"epsilon-greedy\", \"epsilon\": 0.05, \"alpha\": 0.3}, "
                        + "\"status\": \"successful\"}");
        assertAnswer(send("GET", "/strategy", null), 200,
                "{\"message\": {\"name\": \"epsilon-greedy\", \"epsilon\": 0.05, \"alpha\": 0.3}, "
                        + "\"status\": \"successful\"}");
    }

    @Test
    void badStrategyRequestsAre400AndChangeNothing() throws Exception {
        assertAnswer(send("PUT", "/strategy", "{\"name\": \"fastest\"}"), 400,
                "{\"message\": \"<Error> Unknown strategy 'fastest'; valid: " + String.join(", ", Strategies.names())
                        + "\", \"status\": \"failure\"}");
        assertAnswer(send("PUT", "/strategy", "{\"name\": \"bounded-hash\", \"c\": 0.5}"), 400,
                "{\"message\": \"<Error> 'c' must be from 1.0 to 100.0, got 0.5\", \"status\": \"failure\"}");
        assertAnswer(send("PUT", "/strategy", "{\"name\": \"round-robin\", \"c\": 2}"), 400,
                "{\"message\": \"<Error> Unknown parameter 'c' for strategy 'round-robin'; it takes no parameters\", "
                        + "\"status\": \"failure\"}");
        assertAnswer(send("PUT", "/strategy", "{\"c\": 2}"), 400,
                "{\"message\": \"<Error> 'name' is required: one of " + String.join(", ", Strategies.names())
                        + "\", \"status\": \"failure\"}");
        assertAnswer(send("PUT", "/strategy", "not json"), 400,
                "{\"message\": \"<Error> Malformed JSON: Unrecognized token 'not': was expecting (JSON String, "
                        + "Number, Array, Object or token 'null', 'true' or 'false')\", \"status\": \"failure\"}");
        assertEquals(405, send("POST", "/strategy", "{\"name\": \"round-robin\"}").statusCode());
        assertAnswer(send("GET", "/strategy", null), 200, CONSISTENT_HASH);
    }

    @Test
    void putTakesTheHashPresetOfTheHashingStrategies() throws Exception {
        assertAnswer(send("PUT", "/strategy", "{\"name\": \"consistent-hash\", \"hash\": \"Assignment\"}"), 200,
                "{\"message\": {\"name\": \"consistent-hash\", \"hash\": \"assignment\"}, \"status\": \"successful\"}");
        assertPicksLike("assignment");
        assertAnswer(send("PUT", "/strategy", "{\"name\": \"bounded-hash\", \"c\": 2, \"hash\": \"assignment-variant\"}"),
                200, "{\"message\": {\"name\": \"bounded-hash\", \"hash\": \"assignment-variant\", \"c\": 2.0}, "
                        + "\"status\": \"successful\"}");
        assertAnswer(send("GET", "/strategy", null), 200,
                "{\"message\": {\"name\": \"bounded-hash\", \"hash\": \"assignment-variant\", \"c\": 2.0}, "
                        + "\"status\": \"successful\"}");
        assertPicksLike("assignment-variant");
        // Without "hash", a hashing strategy is back on LB_HASH's preset.
        assertAnswer(send("PUT", "/strategy", "{\"name\": \"consistent-hash\"}"), 200, CONSISTENT_HASH);
        assertPicksLike("mixed");
    }

    @Test
    void badHashPresetsAre400AndChangeNothing() throws Exception {
        assertAnswer(send("PUT", "/strategy", "{\"name\": \"consistent-hash\", \"hash\": \"md5\"}"), 400,
                "{\"message\": \"<Error> Unknown hash preset 'md5'; valid: mixed, assignment, assignment-variant\", "
                        + "\"status\": \"failure\"}");
        assertAnswer(send("PUT", "/strategy", "{\"name\": \"bounded-hash\", \"hash\": 3}"), 400,
                "{\"message\": \"<Error> 'hash' must be a string: one of mixed, assignment, assignment-variant, got 3\", "
                        + "\"status\": \"failure\"}");
        assertAnswer(send("PUT", "/strategy", "{\"name\": \"round-robin\", \"hash\": \"assignment\"}"), 400,
                "{\"message\": \"<Error> 'hash' applies only to consistent-hash, bounded-hash, not to 'round-robin'\", "
                        + "\"status\": \"failure\"}");
        assertAnswer(send("GET", "/strategy", null), 200, CONSISTENT_HASH);
        assertPicksLike("mixed");
    }

    /** The pool's picker sends every key where a ring with {@code preset} over the pool's ids does. */
    private void assertPicksLike(String preset) {
        HashRing ring = HashRing.of(RingConfig.withPreset(preset), List.of(1, 2, 3));
        Picker picker = pool.strategy().picker(runtime.startedSpecs().stream()
                .map(spec -> new Replica(spec.name(), spec.id(), "127.0.0.1", 10_000 + spec.id(), spec.region()))
                .toList());
        for (long key = 100_000; key < 101_000; key++) {
            Pick pick = picker.pick(RouteRequest.of(key, "/home"));
            assertEquals(ring.serverFor(key), ((Pick.Routed) pick).replica().id(), "key " + key + " with " + preset);
        }
    }

    @Test
    void addStartsReplicasWithTheRegionAndLatencyGiven() throws Exception {
        assertEquals(200, send("POST", "/add",
                "{\"n\": 2, \"hostnames\": [\"Eu1\"], \"region\": \"eu\", \"latencyMs\": 40}").statusCode());
        // The two start in parallel: in either order.
        List<ReplicaSpec> added = runtime.startedSpecs().subList(3, 5);
        ReplicaSpec eu1 = added.stream().filter(spec -> spec.name().equals("Eu1")).findFirst().orElseThrow();
        ReplicaSpec generated = added.stream().filter(spec -> spec != eu1).findFirst().orElseThrow();
        assertEquals(new ReplicaSpec("Eu1", 4, "eu", Map.of("SERVER_LATENCY_MS", "40")), eu1);
        assertEquals("eu", generated.region());
        assertEquals(Map.of("SERVER_LATENCY_MS", "40"), generated.env());
        String status = send("GET", "/status", null).body();
        assertTrue(status.contains("{\"name\": \"Eu1\", \"id\": 4, \"health\": \"up\", \"address\": \"127.0.0.1:10004\", "
                + "\"region\": \"eu\", \"settings\": {\"SERVER_LATENCY_MS\": \"40\"}, \"last\": {"), status);
        assertTrue(status.contains("\"replica\": \"Eu1\", \"transition\": \"joined\", \"cause\": \"POST /add\", "
                + "\"summary\": \"POST /add\"}, \"picks\": 0, \"retries\": 0, "
                + "\"responses\": {\"1xx\": 0, \"2xx\": 0, \"3xx\": 0, \"4xx\": 0, \"5xx\": 0}, "
                + "\"errors\": {\"connect\": 0, \"reset\": 0, \"bad_response\": 0, \"timeout\": 0}, "
                + "\"downtimeMs\": 0, \"timesReplaced\": 0, \"inFlight\": 0, \"emaMs\": null, \"peakEwmaMs\": null}"),
                status);
    }

    @Test
    void statusShowsABlockedReplacementItsCauseAndTheRecentEvents() throws Exception {
        runtime.failStartsOf("Server2");
        runtime.failWith(lb.balancer.runtime.ReplicaStartException.Kind.IMAGE_MISSING);
        runtime.die(pool.replicas().get(1), new lb.balancer.runtime.Death(137, true, List.of("killed")));
        lb.balancer.testing.Await.until(() -> pool.blockedBy("Server2") != null && pool.journal().last("Server2")
                .map(e -> e.transition() == lb.balancer.membership.Transition.BACKOFF).orElse(false),
                "the replacement blocked and journaled");

        String status = send("GET", "/status", null).body();

        assertTrue(status.contains("\"name\": \"Server2\", \"id\": 2, \"health\": \"down\""), status);
        assertTrue(status.contains("\"blocked\": \"image missing, next try in"), status);
        assertTrue(status.contains("\"transition\": \"dead\""), "the death among the events: " + status);
        assertTrue(status.contains("\"transition\": \"backoff\""), "the wait among the events: " + status);
    }

    @Test
    void badProfileIs400AndStartsNothing() throws Exception {
        assertAnswer(send("POST", "/add", "{\"n\": 1, \"latencyMs\": \"slow\"}"), 400,
                "{\"message\": \"<Error> 'latencyMs' must be a JSON integer from 0 to 60000, got \\\"slow\\\"\", "
                        + "\"status\": \"failure\"}");
        assertEquals(3, runtime.startedSpecs().size());
    }
}
