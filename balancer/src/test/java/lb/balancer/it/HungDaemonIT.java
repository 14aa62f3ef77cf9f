package lb.balancer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Issue 12.2: the Docker daemon hangs ({@code kill -STOP dockerd}) for {@value #HANG_SECONDS} s. {@code /add} and
 * {@code /rm} must answer within a few seconds with a truthful 503, proxying goes on, and after the daemon wakes up
 * nothing has changed: the same replicas in the same containers, no new container. Needs to signal dockerd (root on
 * the Docker host, as in CI); skipped otherwise. The answer times are printed for the report.
 */
class HungDaemonIT {

    private static final int HANG_SECONDS = 25;
    private static final long ANSWER_BOUND_MILLIS = 5_000;
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    static final DockerPool docker = new DockerPool(Map.of()).printingLogLines("hung-daemon",
            line -> line.contains("Docker") || line.contains("deadline") || line.contains("undo"));

    static boolean canSignalDockerd() {
        return dockerdPid() > 0 && "root".equals(System.getProperty("user.name"));
    }

    @Test
    @EnabledIf("canSignalDockerd")
    void adminCallsAnswer503FastWhileTheDaemonHangsAndNothingChangesAfterItWakes() throws Exception {
        docker.awaitSpare();
        String base = docker.baseUri(); // Docker cannot be asked while it hangs
        Map<String, String> before = containerIds();
        long pid = dockerdPid();
        List<String> times = new ArrayList<>();
        List<HttpResponse<String>> answers = new ArrayList<>();
        signal("STOP", pid);
        long hungAt = System.nanoTime();
        try {
            Thread.sleep(500);
            for (String[] call : List.of(
                    new String[] {"POST", "/add", "{\"n\": 1, \"hostnames\": [\"H1\"]}"},
                    new String[] {"POST", "/add", "{\"n\": 2}"},
                    new String[] {"DELETE", "/rm", "{\"n\": 1, \"hostnames\": [\"Server3\"]}"},
                    new String[] {"DELETE", "/rm", "{\"n\": 1}"})) {
                long began = System.nanoTime();
                HttpResponse<String> answer = send(base, call[0], call[1], call[2]);
                long millis = (System.nanoTime() - began) / 1_000_000;
                times.add(call[0] + " " + call[1] + " " + call[2] + " -> " + answer.statusCode() + " in " + millis + " ms");
                answers.add(answer);
                assertTrue(millis < ANSWER_BOUND_MILLIS, times.getLast());
            }
            HttpResponse<String> home = send(base, "GET", "/home", null);
            assertEquals(200, home.statusCode(), "proxying goes on: " + home.body());
            long left = HANG_SECONDS * 1000L - (System.nanoTime() - hungAt) / 1_000_000;
            Thread.sleep(Math.max(0, left));
        } finally {
            signal("CONT", pid);
        }
        System.out.println("[hung-daemon] dockerd stopped " + HANG_SECONDS + " s; " + String.join("; ", times));
        for (HttpResponse<String> answer : answers) {
            assertEquals(503, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("\"status\": \"failure\""), answer.body());
        }
        Thread.sleep(10_000); // what would complete late does so now
        HttpResponse<String> rep = send(base, "GET", "/rep", null);
        assertEquals("{\"message\": {\"N\": 3, \"replicas\": [\"Server1\", \"Server2\", \"Server3\"]}, "
                + "\"status\": \"successful\"}", rep.body());
        assertEquals(before, containerIds(), "the same replicas in the same containers");
        assertEquals(3 + docker.spares().size(), docker.poolContainers().size(),
                "no container made or left by the calls that timed out: " + docker.poolContainers().stream()
                        .map(DockerPool::nameOf).toList());
    }

    private static Map<String, String> containerIds() {
        Map<String, String> ids = new java.util.TreeMap<>();
        for (String name : Set.of("Server1", "Server2", "Server3")) {
            ids.put(name, docker.containerIdOf(name));
        }
        return ids;
    }

    private static HttpResponse<String> send(String base, String method, String path, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        return CLIENT.send(HttpRequest.newBuilder(URI.create(base + path)).method(method, publisher)
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
    }

    private static long dockerdPid() {
        try (var procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> {
                        try {
                            return Files.readString(p.resolve("comm")).strip().equals("dockerd");
                        } catch (Exception e) {
                            return false;
                        }
                    })
                    .mapToLong(p -> Long.parseLong(p.getFileName().toString())).findFirst().orElse(-1);
        } catch (Exception e) {
            return -1;
        }
    }
}
