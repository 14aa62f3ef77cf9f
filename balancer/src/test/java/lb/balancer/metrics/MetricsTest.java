package lb.balancer.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import lb.balancer.membership.PoolEvent;
import lb.balancer.membership.Transition;
import lb.balancer.testing.Await;
import lb.balancer.testing.WiredBalancer;
import lb.balancer.config.BalancerConfig.HealthSettings;
import lb.balancer.membership.FakeRuntime;
import lb.balancer.membership.ReplicaPool;
import lb.balancer.replica.Replica;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} after a known load and a kill: the pool, health monitor, data path and admin API wired as the
 * balancer wires them, with in-process replicas; every counter and histogram is checked against what the test sent
 * and what the clients saw ({@code X-Served-By}, status codes).
 */
class MetricsTest {

    /** Heartbeats so rare that only the data path notices the kill, so what it counts is deterministic. */
    private static final HealthSettings PASSIVE_ONLY = new HealthSettings(Duration.ofHours(1), Duration.ofMillis(200), 2);
    /**
     * Heartbeats that find a kill within a few hundred ms (a killed replica refuses at once), with a timeout long
     * enough that a loaded machine does not make the live ones fail.
     */
    private static final HealthSettings FAST = new HealthSettings(Duration.ofMillis(100), Duration.ofSeconds(2), 2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private WiredBalancer balancer;
    private FakeRuntime runtime;
    private ReplicaPool pool;

    /** Heartbeats that failed, per replica name, as the health monitor reported them. */
    private final Map<String, Integer> failedHeartbeats = new ConcurrentHashMap<>();

    private void start(HealthSettings settings) throws Exception {
        balancer = WiredBalancer.start(settings, 2, (replica, beat) -> {
            if (!beat.ok()) failedHeartbeats.merge(replica.name(), 1, Integer::sum);
        });
        runtime = balancer.runtime();
        pool = balancer.pool();
    }

    @AfterEach
    void stop() {
        balancer.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return balancer.get(path);
    }

    private Scrape scrape() throws Exception {
        HttpResponse<String> response = get("/metrics");
        assertEquals(200, response.statusCode());
        assertEquals(Metrics.CONTENT_TYPE, response.headers().firstValue("Content-Type").orElse(""));
        return Scrape.parse(response.body());
    }

    @Test
    void countsMatchTheLoadSentAndTheKill() throws Exception {
        start(PASSIVE_ONLY);
        // 1. A known load: 300 keyed GETs of /home, 20 of a path the replicas do not serve.
        Map<String, Integer> servedBy = new HashMap<>();
        List<Long> keysOfServer2 = new ArrayList<>();
        for (long key = 1; key <= 300; key++) {
            HttpResponse<String> r = get("/home?id=" + key);
            assertEquals(200, r.statusCode());
            String replica = r.headers().firstValue("X-Served-By").orElseThrow();
            servedBy.merge(replica, 1, Integer::sum);
            if (replica.equals("Server2")) keysOfServer2.add(key);
        }
        for (int i = 0; i < 20; i++) {
            assertEquals(400, get("/missing?id=7").statusCode(), "the replicas' 404 is the API's 400");
        }
        String missingServedBy = pool.pickers().get().pick(lb.balancer.routing.RouteRequest.of(7, "/missing",
                lb.balancer.routing.Target.NONE)) instanceof lb.balancer.routing.Pick.Routed(Replica r) ? r.name() : "";

        Scrape s = scrape();
        assertEquals(3, servedBy.size(), "every replica got traffic: " + servedBy);
        for (Map.Entry<String, Integer> e : servedBy.entrySet()) {
            String name = e.getKey();
            int twoXx = e.getValue();
            int fourXx = name.equals(missingServedBy) ? 20 : 0;
            assertEquals(twoXx, s.value("lb_replica_responses_total", "replica", name, "class", "2xx"), name);
            assertEquals(fourXx, s.value("lb_replica_responses_total", "replica", name, "class", "4xx"), name);
            assertEquals(twoXx + fourXx, s.value("lb_replica_picks_total", "replica", name), name);
            assertEquals(twoXx + fourXx, s.value("lb_replica_latency_seconds_count", "replica", name), name);
            assertEquals(twoXx + fourXx, s.value("lb_replica_latency_seconds_bucket", "replica", name, "le", "+Inf"));
            assertTrue(s.value("lb_replica_latency_seconds_sum", "replica", name) > 0);
            assertEquals(0, s.value("lb_replica_in_flight", "replica", name));
            assertEquals(1, s.value("lb_replica_health", "replica", name, "state", "up"));
        }
        assertEquals(0, s.sum("lb_replica_errors_total"));
        assertEquals(0, s.sum("lb_replica_retries_total"));
        assertEquals(320, s.value("lb_strategy_picks_total", "strategy", "consistent-hash"));
        assertEquals(3, s.value("lb_pool_replicas", "health", "up"));
        // The histogram's buckets are cumulative and end with every observation.
        double previous = 0;
        for (Scrape.Sample bucket : s.samples().stream().filter(x -> x.name().equals("lb_replica_latency_seconds_bucket")
                && x.labels().get("replica").equals("Server1")).toList()) {
            assertTrue(bucket.value() >= previous, "cumulative buckets");
            previous = bucket.value();
        }

        // 2. Server2 killed behind the balancer's back: its keys fail there, are retried on the next replica.
        runtime.kill("Server2");
        List<Long> probe = keysOfServer2.subList(0, 5);
        for (long key : probe) {
            HttpResponse<String> r = get("/home?id=" + key);
            assertEquals(200, r.statusCode(), "the client sees no error");
            assertTrue(!r.headers().firstValue("X-Served-By").orElseThrow().equals("Server2"));
        }
        s = scrape();
        double failedOnServer2 = s.value("lb_replica_errors_total", "replica", "Server2", "cause", "connect");
        assertTrue(failedOnServer2 >= 1, "the first request after the kill met the dead replica");
        assertEquals(failedOnServer2, s.sum("lb_replica_errors_total"), "no other error");
        assertEquals(failedOnServer2, s.sum("lb_replica_retries_total"), "each failure was retried once");
        assertEquals(320 + probe.size() + failedOnServer2, s.sum("lb_replica_picks_total"));
        assertEquals(320 + probe.size() + failedOnServer2, s.value("lb_strategy_picks_total", "strategy", "consistent-hash"));
        assertEquals((double) servedBy.get("Server2"), s.value("lb_replica_responses_total", "replica", "Server2", "class", "2xx"),
                "nothing more answered by the dead replica");
        assertEquals(300 + probe.size(), s.sum("lb_replica_responses_total", "class", "2xx"));
        assertEquals(1, s.value("lb_replica_health", "replica", "Server2", "state", "suspect"),
                "the failed forward made it suspect");
        assertEquals(1, s.value("lb_pool_replicas", "health", "suspect"));
        assertEquals(2, s.value("lb_pool_replicas", "health", "up"));
    }

    /** Sends keyed GETs of /home (keys 1..requests) and counts who served them. */
    private Map<String, Integer> load(int requests) throws Exception {
        Map<String, Integer> servedBy = new HashMap<>();
        for (long key = 1; key <= requests; key++) {
            HttpResponse<String> r = get("/home?id=" + key);
            assertEquals(200, r.statusCode());
            servedBy.merge(r.headers().firstValue("X-Served-By").orElseThrow(), 1, Integer::sum);
        }
        return servedBy;
    }

    private PoolEvent last(String name, Transition transition) {
        return pool.journal().recent(256).stream().filter(e -> e.replica().equals(name) && e.transition() == transition)
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no " + transition + " of " + name));
    }

    private JsonNode statusOf(String name) throws Exception {
        HttpResponse<String> response = get("/status");
        assertEquals(200, response.statusCode());
        for (JsonNode row : JSON.readTree(response.body()).path("message").path("replicas")) {
            if (row.path("name").asText().equals(name)) return row;
        }
        throw new AssertionError(name + " not in /status: " + response.body());
    }

    @Test
    void aKillFoundByHeartbeatsIsCountedDetectedAndReplacedInTheMetricsAndTheStatus() throws Exception {
        start(FAST);
        Map<String, Integer> servedBy = load(150);
        assertEquals(3, servedBy.size(), "every replica got traffic: " + servedBy);

        // Killed behind the balancer's back, with no request in flight: only heartbeats can find it.
        runtime.kill("Server2");
        Await.until(() -> pool.journal().last("Server2").map(e -> e.transition() == Transition.REPLACED_COLD)
                .orElse(false), "Server2 replaced");
        PoolEvent suspect = last("Server2", Transition.SUSPECT);
        PoolEvent dead = last("Server2", Transition.DEAD);
        PoolEvent replaced = last("Server2", Transition.REPLACED_COLD);
        assertEquals("heartbeat connection refused", suspect.cause().split(";")[0]);
        assertEquals("heartbeat connection refused x2", dead.cause());

        Scrape s = scrape();
        assertEquals(1, s.value("lb_pool_replacements_total", "source", "cold"));
        assertEquals(0, s.value("lb_pool_replacements_total", "source", "spare"));
        assertEquals(1, s.value("lb_pool_detection_seconds_count"));
        assertEquals(seconds(Duration.between(suspect.at(), dead.at())), s.value("lb_pool_detection_seconds_sum"), 1e-9,
                "detection: from the first failed heartbeat to the death");
        assertEquals(1, s.value("lb_pool_replacement_seconds_count"));
        assertEquals(seconds(replaced.duration()), s.value("lb_pool_replacement_seconds_sum"), 1e-9);
        assertEquals(1, s.value("lb_pool_replacement_seconds_bucket", "le", "+Inf"));
        int failed = failedHeartbeats.getOrDefault("Server2", 0);
        assertTrue(failed >= 2, "two failures in a row declare it dead: " + failed);
        assertEquals(failed, s.value("lb_heartbeat_failures_total", "replica", "Server2"));
        assertEquals(0, s.sum("lb_heartbeat_failures_total") - failed, "no other heartbeat failed");
        assertEquals(3, s.value("lb_pool_replicas", "health", "up"));
        assertEquals(servedBy.get("Server2"), (int) s.value("lb_replica_picks_total", "replica", "Server2"));

        // /status tells the same story.
        JsonNode row = statusOf("Server2");
        assertEquals("up", row.path("health").asText());
        assertEquals(1, row.path("timesReplaced").asInt());
        assertEquals("replaced_cold", row.path("last").path("transition").asText());
        assertEquals("replaced by a cold start in " + replaced.duration().toMillis() + " ms",
                row.path("last").path("summary").asText());
        assertEquals(Duration.between(suspect.at(), replaced.at()).toMillis(), row.path("downtimeMs").asLong(),
                "out of the ring from the first failed heartbeat to the replacement");
        assertTrue(row.path("outSince").isMissingNode(), "in the ring again");
        assertEquals(servedBy.get("Server2"), row.path("picks").asInt());
        assertEquals(servedBy.get("Server2"), row.path("responses").path("2xx").asInt());
        assertEquals(0, row.path("errors").path("connect").asInt());
        Await.until(() -> {
            try {
                return statusOf("Server2").path("heartbeat").path("ok").asBoolean();
            } catch (Exception e) {
                return false;
            }
        }, "the replacement answers its heartbeats");
        JsonNode beat = statusOf("Server2").path("heartbeat");
        assertEquals("200", beat.path("result").asText());
        assertTrue(beat.path("ms").asDouble() > 0, "a heartbeat takes time: " + beat);
        JsonNode other = statusOf("Server1");
        assertEquals(0, other.path("timesReplaced").asInt());
        assertEquals(0, other.path("downtimeMs").asLong());
        assertEquals(servedBy.get("Server1"), other.path("picks").asInt());
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
