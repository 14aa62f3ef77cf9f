package lb.balancer.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * What the self-healing ITs ask a running balancer over HTTP, whichever runtime it has: who serves a key, the
 * replicas {@code /rep} lists, each one's health in {@code /status}; and the summary of measured times.
 */
final class PoolHttp {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PoolHttp() {}

    /**
     * A balancer container's base URI on the host. Read from Docker each time: a killed and restarted container gets
     * a new host port.
     */
    static String baseUriOf(com.github.dockerjava.api.DockerClient docker,
            org.testcontainers.containers.GenericContainer<?> balancer) {
        var bindings = docker.inspectContainerCmd(balancer.getContainerId()).exec()
                .getNetworkSettings().getPorts().getBindings();
        var binding = bindings.get(com.github.dockerjava.api.model.ExposedPort.tcp(5000));
        if (binding == null || binding.length == 0) {
            throw new IllegalStateException("balancer port 5000 is not published (is the container running?)");
        }
        return "http://" + balancer.getHost() + ":" + binding[0].getHostPortSpec();
    }

    static HttpResponse<String> send(String baseUri, String method, String path, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUri + path)).method(method, publisher)
                .timeout(Duration.ofSeconds(60)).build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A ring key that the balancer routes to {@code name} now. */
    static long keyServedBy(String baseUri, String name) {
        for (long key = 100_000; key < 200_000; key++) {
            if (name.equals(servedBy(baseUri, key))) {
                return key;
            }
        }
        throw new AssertionError("no key routes to " + name);
    }

    /** The replica that answered {@code /home?id=key} ({@code X-Served-By}), or null when it failed. */
    static String servedBy(String baseUri, long key) {
        try {
            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(URI.create(baseUri + "/home?id=" + key))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.headers().firstValue("X-Served-By").orElse(null) : null;
        } catch (Exception e) {
            return null;
        }
    }

    static int get(String baseUri, long key) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(baseUri + "/home?id=" + key))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static List<String> names(String baseUri) throws Exception {
        JsonNode replicas = JSON.readTree(send(baseUri, "GET", "/rep", null).body()).path("message").path("replicas");
        List<String> names = new ArrayList<>();
        replicas.forEach(node -> names.add(node.asText()));
        return names;
    }

    /** {@code name}'s health in {@code /status}: up, suspect, down; absent or unknown. */
    static String health(String baseUri, String name) {
        try {
            for (JsonNode replica : statusReplicas(baseUri)) {
                if (name.equals(replica.path("name").asText())) {
                    return replica.path("health").asText();
                }
            }
            return "absent";
        } catch (Exception e) {
            return "unknown";
        }
    }

    /** Whether the pool has exactly {@code expected} replicas, all up. */
    static boolean allUp(String baseUri, int expected) {
        try {
            JsonNode replicas = statusReplicas(baseUri);
            int up = 0;
            for (JsonNode replica : replicas) {
                up += "up".equals(replica.path("health").asText()) ? 1 : 0;
            }
            return up == expected && replicas.size() == expected;
        } catch (Exception e) {
            return false;
        }
    }

    private static JsonNode statusReplicas(String baseUri) throws Exception {
        return JSON.readTree(send(baseUri, "GET", "/status", null).body()).path("message").path("replicas");
    }

    static void await(BooleanSupplier condition, String what, Duration bound) throws InterruptedException {
        long end = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + bound.toSeconds() + " s: " + what);
            }
            Thread.sleep(10);
        }
    }

    /** {@code min a / median b / max c [all, sorted]}. */
    static String summary(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return "min " + sorted.getFirst() + " / median " + sorted.get(sorted.size() / 2) + " / max " + sorted.getLast()
                + " " + sorted;
    }
}
