package lb.analysis.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The balancer's admin API (SPEC §3, §8) as the experiments use it: {@code /rep}, {@code /status}, {@code /add},
 * {@code /rm}, {@code GET/PUT /strategy}, and single requests for probes. Blocking; thread-safe.
 *
 * <p>A balancer that does not answer is a {@link BalancerUnreachableException}; a refused admin call is an
 * {@link IllegalStateException} quoting the balancer's message.
 */
public final class BalancerClient {

    /** One answer: status, body and the response headers that matter here. */
    public record Answer(int status, String body, String servedBy) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Adding replicas starts containers or JVMs: allow for a busy machine. */
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(120);

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    public BalancerClient(URI base) {
        this.base = base;
    }

    public URI base() {
        return base;
    }

    /** Any request; {@code body} may be null. Headers come in name/value pairs. */
    public Answer exchange(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(ADMIN_TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(),
                    response.headers().firstValue("X-Served-By").orElse(null));
        } catch (ConnectException e) {
            throw new BalancerUnreachableException("no balancer at " + base + " (connection refused)");
        } catch (HttpTimeoutException e) {
            throw new BalancerUnreachableException("the balancer at " + base + " did not answer " + method + " "
                    + path + " within " + ADMIN_TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            throw new BalancerUnreachableException("cannot reach the balancer at " + base + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** {@code GET /rep}'s replica names, in the order they were added. */
    public List<String> replicas() {
        List<String> names = new ArrayList<>();
        message(call("GET", "/rep", null)).get("replicas").forEach(n -> names.add(n.asText()));
        return names;
    }

    /** {@code GET /status}'s replicas, in {@code /rep} order. */
    public List<ReplicaInfo> status() {
        List<ReplicaInfo> replicas = new ArrayList<>();
        for (JsonNode row : message(call("GET", "/status", null)).get("replicas")) {
            Map<String, String> settings = new LinkedHashMap<>();
            JsonNode given = row.get("settings");
            if (given != null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    settings.put(e.getKey(), e.getValue().asText());
                }
            }
            JsonNode address = row.get("address");
            replicas.add(new ReplicaInfo(row.get("name").asText(), row.get("id").asInt(), row.get("health").asText(),
                    address == null || address.isNull() ? null : address.asText(), row.get("region").asText(),
                    settings));
        }
        return replicas;
    }

    /** Adds {@code n} replicas, the first ones named as given, all with {@code profile}. */
    public List<String> add(int n, List<String> hostnames, Profile profile) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("n", n);
        if (!hostnames.isEmpty()) {
            body.put("hostnames", hostnames);
        }
        body.putAll(profile.fields());
        return names(call("POST", "/add", body));
    }

    /** Removes {@code n} replicas, the named ones first. */
    public List<String> remove(int n, List<String> hostnames) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("n", n);
        if (!hostnames.isEmpty()) {
            body.put("hostnames", hostnames);
        }
        return names(call("DELETE", "/rm", body));
    }

    /** {@code GET /strategy}: name, hash preset (hashing strategies) and parameters. */
    public Map<String, Object> strategy() {
        return JSON.convertValue(message(call("GET", "/strategy", null)), JSON.getTypeFactory()
                .constructMapType(LinkedHashMap.class, String.class, Object.class));
    }

    /** {@code PUT /strategy} with these settings ({@code name} and optionally {@code hash} and parameters). */
    public Map<String, Object> useStrategy(Map<String, Object> settings) {
        call("PUT", "/strategy", settings);
        return strategy();
    }

    public Map<String, Object> useStrategy(String name) {
        return useStrategy(Map.of("name", name));
    }

    private String call(String method, String path, Object body) {
        String text;
        try {
            text = body == null ? null : JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        Answer answer = exchange(method, path, text);
        if (answer.status() != 200) {
            throw new IllegalStateException(method + " " + path + " " + (text == null ? "" : text + " ") + "was refused ("
                    + answer.status() + "): " + messageText(answer.body()));
        }
        return answer.body();
    }

    private static JsonNode message(String body) {
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || root.get("message") == null) {
                throw new BalancerUnreachableException("not a balancer answer: " + abbreviate(body));
            }
            return root.get("message");
        } catch (JsonProcessingException e) {
            throw new BalancerUnreachableException("not a balancer answer: " + abbreviate(body));
        }
    }

    private static List<String> names(String body) {
        List<String> names = new ArrayList<>();
        message(body).get("replicas").forEach(n -> names.add(n.asText()));
        return names;
    }

    private static String messageText(String body) {
        try {
            JsonNode message = JSON.readTree(body).get("message");
            return message == null ? abbreviate(body) : message.asText();
        } catch (JsonProcessingException | RuntimeException e) {
            return abbreviate(body);
        }
    }

    private static String abbreviate(String body) {
        String oneLine = body == null ? "" : body.replaceAll("\\s+", " ");
        return oneLine.length() > 120 ? oneLine.substring(0, 120) + "..." : oneLine;
    }
}
