package lb.balancer.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import lb.balancer.membership.FakeRuntime;
import lb.balancer.membership.PoolException;
import lb.balancer.membership.ReplicaPool;
import lb.balancer.routing.ConsistentHashStrategy;
import lb.balancer.routing.ReplicaStats;
import lb.balancer.routing.StrategyContext;
import lb.balancer.runtime.StaticRuntime;
import lb.balancer.testing.LoopbackHttp;
import lb.hashring.RingConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminApiTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final StrategyContext CONTEXT = StrategyContext.of(RingConfig.defaults(), new ReplicaStats());

    private FakeRuntime runtime;
    private AdminApi api;
    private int port;

    @BeforeEach
    void start() throws PoolException {
        runtime = new FakeRuntime();
        ReplicaPool pool = new ReplicaPool(runtime, new ConsistentHashStrategy(RingConfig.defaults()), 56);
        pool.bootstrap(3);
        api = new AdminApi(pool, 56, CONTEXT);
        port = api.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return LoopbackHttp.send(port, method, path, body, "Content-Type", "application/json");
    }

    private static void assertAnswer(HttpResponse<String> response, int status, String body) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(body, response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    }

    private void assertUnchanged() throws Exception {
        assertAnswer(send("GET", "/rep", null), 200,
                "{\"message\": {\"N\": 3, \"replicas\": [\"Server1\", \"Server2\", \"Server3\"]}, \"status\": \"successful\"}");
    }

    @Test
    void repListsTheStartingReplicasExactlyAsTheSpec() throws Exception {
        assertUnchanged();
    }

    @Test
    void addAnswersTheNewListInAddOrder() throws Exception {
        assertAnswer(send("POST", "/add", "{\"n\": 4, \"hostnames\": [\"S5\", \"S4\", \"S10\", \"S11\"]}"), 200,
                "{\"message\": {\"N\": 7, \"replicas\": [\"Server1\", \"Server2\", \"Server3\", \"S5\", \"S4\", \"S10\", "
                        + "\"S11\"]}, \"status\": \"successful\"}");
    }

    @Test
    void addWithMoreNamesThanInstancesIsTheSpec400() throws Exception {
        assertAnswer(send("POST", "/add", "{\"n\": 2, \"hostnames\": [\"S5\", \"S4\", \"S10\"]}"), 400,
                "{\"message\": \"<Error> Length of hostname list is more than newly added instances\", "
                        + "\"status\": \"failure\"}");
        assertUnchanged();
    }

    @Test
    void rmRemovesTheNamedOnes() throws Exception {
        send("POST", "/add", "{\"n\": 4, \"hostnames\": [\"S5\", \"S4\", \"S10\", \"S11\"]}");

        assertAnswer(send("DELETE", "/rm", "{\"n\": 3, \"hostnames\": [\"S5\", \"S4\"]}"), 200,
                "{\"message\": {\"N\": 4, \"replicas\": [\"Server1\", \"Server2\", \"Server3\", \"S10\"]}, "
                        + "\"status\": \"successful\"}");
    }

    @Test
    void rmWithMoreNamesThanInstancesIsTheSpec400() throws Exception {
        assertAnswer(send("DELETE", "/rm", "{\"n\": 1, \"hostnames\": [\"Server1\", \"Server2\"]}"), 400,
                "{\"message\": \"<Error> Length of hostname list is more than removable instances\", "
                        + "\"status\": \"failure\"}");
        assertUnchanged();
    }

    @Test
    void badInputGetsAJsonErrorAndChangesNothing() throws Exception {
        assertEquals(400, send("POST", "/add", "{\"n\": ").statusCode());
        assertEquals(400, send("POST", "/add", "{\"n\": \"2\"}").statusCode());
        assertEquals(400, send("POST", "/add", "{\"n\": 2.5}").statusCode());
        assertEquals(400, send("POST", "/add", "{\"n\": 0}").statusCode());
        assertEquals(400, send("POST", "/add", "{\"n\": 1, \"hostnames\": [\"bad_name\"]}").statusCode());
        assertEquals(400, send("POST", "/add", null).statusCode());
        assertAnswer(send("POST", "/add", "{\"n\": 1, \"hostnames\": [\"Server2\"]}"), 409,
                "{\"message\": \"<Error> Hostname 'Server2' is already in use\", \"status\": \"failure\"}");
        assertAnswer(send("DELETE", "/rm", "{\"n\": 1, \"hostnames\": [\"S9\"]}"), 400,
                "{\"message\": \"<Error> Hostname 'S9' is not a replica\", \"status\": \"failure\"}");
        assertAnswer(send("DELETE", "/rm", "{\"n\": 5}"), 400,
                "{\"message\": \"<Error> Cannot remove 5 replicas: only 3 exist\", \"status\": \"failure\"}");
        assertUnchanged();
    }

    @Test
    void unreachableDockerIsA503AndChangesNothing() throws Exception {
        runtime.setAvailable(false);

        HttpResponse<String> response = send("POST", "/add", "{\"n\": 1}");

        assertAnswer(response, 503, "{\"message\": \"<Error> Docker daemon unreachable: connection refused "
                + "(nothing was changed)\", \"status\": \"failure\"}");
        runtime.setAvailable(true);
        assertUnchanged();
    }

    @Test
    void wrongMethodIs405Json() throws Exception {
        assertAnswer(send("GET", "/add", null), 405,
                "{\"message\": \"<Error> Method GET is not allowed on /add\", \"status\": \"failure\"}");
    }

    @Test
    void staticRuntimeRefusesAddAndRmWith409() throws Exception {
        ReplicaPool pool = new ReplicaPool(new StaticRuntime(List.of(URI.create("http://127.0.0.1:9001"))),
                new ConsistentHashStrategy(RingConfig.defaults()), 56);
        pool.bootstrap(1);
        try (AdminApi fixed = new AdminApi(pool, 56, CONTEXT)) {
            int fixedPort = fixed.start("127.0.0.1", 0);
            HttpResponse<String> response = CLIENT.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fixedPort + "/add"))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"n\": 1}")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertAnswer(response, 409, "{\"message\": \"<Error> This balancer fronts fixed backends "
                    + "(LB_RUNTIME=static) and cannot add or remove replicas\", \"status\": \"failure\"}");
        }
    }
}
