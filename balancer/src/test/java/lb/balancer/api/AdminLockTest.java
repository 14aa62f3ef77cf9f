package lb.balancer.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import lb.balancer.membership.FakeRuntime;
import lb.balancer.membership.PoolException;
import lb.balancer.membership.ReplicaPool;
import lb.balancer.routing.ConsistentHashStrategy;
import lb.balancer.routing.ReplicaStats;
import lb.balancer.routing.StrategyContext;
import lb.balancer.testing.LoopbackHttp;
import lb.hashring.RingConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 11.6: the admin API locks itself (its loopback port can be reached without the front door). */
class AdminLockTest {

    private static final StrategyContext CONTEXT = StrategyContext.of(RingConfig.defaults(), new ReplicaStats());
    private static final String TOKEN = "s3cret-token-0123456789";
    private static final String THREE =
            "{\"message\": {\"N\": 3, \"replicas\": [\"Server1\", \"Server2\", \"Server3\"]}, \"status\": \"successful\"}";

    private AdminApi api;
    private int port;

    private void start(String token) throws PoolException {
        ReplicaPool pool = new ReplicaPool(new FakeRuntime(), new ConsistentHashStrategy(RingConfig.defaults()), 56);
        pool.bootstrap(3);
        api = new AdminApi(pool, 56, CONTEXT, token);
        port = api.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        if (api != null) api.close();
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        return LoopbackHttp.send(port, method, path, body, headers);
    }

    private static void assertJson(HttpResponse<String> r, int status, String message) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals("{\"message\": \"<Error> " + message + "\", \"status\": \"failure\"}", r.body());
    }

    private void assertUnchanged() throws Exception {
        HttpResponse<String> r = send("GET", "/rep", null);
        assertEquals(200, r.statusCode());
        assertEquals(THREE, r.body());
    }

    @Test
    void methodOverrideCannotTurnAGetIntoARemove() throws Exception {
        start(null);

        assertJson(send("GET", "/rm", null, "X-HTTP-Method-Override", "DELETE"), 400, AdminAccess.OVERRIDE_REFUSED);
        assertJson(send("POST", "/rm", "{\"n\": 1}", "X-HTTP-Method-Override", "DELETE"), 400,
                AdminAccess.OVERRIDE_REFUSED);
        assertUnchanged();
    }

    @Test
    void withATokenChangesNeedTheBearerAndReadsStayOpen() throws Exception {
        start(TOKEN);

        for (String[] change : new String[][] {{"POST", "/add", "{\"n\": 1}"}, {"DELETE", "/rm", "{\"n\": 1}"},
                {"PUT", "/strategy", "{\"name\": \"round-robin\"}"}}) {
            HttpResponse<String> none = send(change[0], change[1], change[2]);
            assertJson(none, 401, AdminAccess.TOKEN_REQUIRED);
            assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
            assertJson(send(change[0], change[1], change[2], "Authorization", "Bearer " + TOKEN + "x"), 401,
                    AdminAccess.TOKEN_WRONG);
            assertJson(send(change[0], change[1], change[2], "Authorization", "Bearer " + TOKEN.substring(1)), 401,
                    AdminAccess.TOKEN_WRONG);
            assertJson(send(change[0], change[1], change[2], "Authorization", "Basic " + TOKEN), 401,
                    AdminAccess.TOKEN_REQUIRED);
        }
        assertUnchanged();
        assertEquals(200, send("GET", "/status", null).statusCode());
        assertEquals(200, send("GET", "/strategy", null).statusCode());

        HttpResponse<String> added = send("POST", "/add", "{\"n\": 1, \"hostnames\": [\"S4\"]}",
                "Authorization", "Bearer " + TOKEN);
        assertEquals(200, added.statusCode(), added.body());
        assertTrue(added.body().contains("\"S4\""), added.body());
        assertEquals(200, send("DELETE", "/rm", "{\"n\": 1, \"hostnames\": [\"S4\"]}",
                "authorization", "bearer " + TOKEN).statusCode());
        assertUnchanged();
    }

    @Test
    void aPathSpelledAnotherWayIsGuardedToo() throws Exception {
        start(TOKEN);

        assertEquals(401, send("POST", "/%61dd", "{\"n\": 1}").statusCode());
        assertEquals(401, send("GET", "/add", null).statusCode());
        assertUnchanged();
    }

    @Test
    void anAdminBodyOverTheCapIsAJson413() throws Exception {
        start(null);

        String big = "{\"n\": 1, \"hostnames\": [\"" + "a".repeat(AdminApi.MAX_BODY) + "\"]}";
        assertJson(send("POST", "/add", big), 413, AdminApi.BODY_TOO_LARGE);
        assertUnchanged();
    }

    @Test
    void absoluteFormWithAnotherHostIsAJsonError() throws Exception {
        start(null);

        String reply = raw("GET http://127.0.0.1:" + port + "/rep HTTP/1.1\r\nHost: elsewhere.example\r\n"
                + "Connection: close\r\n\r\n");
        String head = reply.substring(0, reply.indexOf("\r\n\r\n"));
        String body = reply.substring(reply.indexOf("\r\n\r\n") + 4);
        assertTrue(head.startsWith("HTTP/1.1 400"), reply);
        assertTrue(head.toLowerCase().contains("content-type: application/json"), reply);
        assertTrue(body.startsWith("{\"message\": \"<Error> ") && body.endsWith("\"status\": \"failure\"}"), reply);
    }

    private String raw(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return all.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
