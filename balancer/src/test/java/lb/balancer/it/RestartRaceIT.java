package lb.balancer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12.1, probe 1: a replica is killed, and within 0-500 ms the balancer is restarted, so the restart lands at
 * any instant of the replacement (the dead container renamed, a spare claimed, not yet renamed, ...). Alternately
 * a graceful restart ({@code docker restart}: the pool is recorded and removed, then started again) and a crash
 * ({@code docker kill} then {@code docker start}: the pool is adopted). After each: the same replicas with the same
 * ids, every one serving, and no container beyond them and the spare. {@code -Drace.tries=20} for the full run
 * (CI runs {@value #DEFAULT_TRIES}); the tally is printed for the report.
 */
class RestartRaceIT {

    private static final int DEFAULT_TRIES = 2;
    private static final List<String> POOL = List.of("Server1", "Server2", "Server3");
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @RegisterExtension
    static final DockerPool docker = new DockerPool(Map.of());

    @Test
    void aRestartAtAnyInstantOfAReplacementLosesAndLeaksNothing() throws Exception {
        int tries = Integer.getInteger("race.tries", DEFAULT_TRIES);
        List<String> tally = new ArrayList<>();
        int lost = 0;
        int leaked = 0;
        for (int i = 0; i < tries; i++) {
            String victim = POOL.get(i % POOL.size());
            long delay = tries == 1 ? 0 : i * 500L / (tries - 1);
            boolean graceful = i % 2 == 0;
            await(() -> docker.spares().size() == 1 && docker.runningReplicas().equals(Set.copyOf(POOL)), 60,
                    "pool settled before try " + i);
            String balancer = docker.balancer.getContainerId();

            docker.docker().killContainerCmd(docker.containerIdOf(victim)).exec();
            Thread.sleep(delay);
            if (graceful) {
                docker.docker().restartContainerCmd(balancer).withTimeout(10).exec();
            } else {
                docker.docker().killContainerCmd(balancer).exec();
                docker.docker().startContainerCmd(balancer).exec();
            }
            boolean settled = await(() -> allServeWithTheirIds() && docker.spares().size() == 1
                    && docker.poolContainers().size() == POOL.size() + 1, 90, null);
            Set<String> running = docker.runningReplicas();
            int lostNow = (int) POOL.stream().filter(name -> !running.contains(name)).count();
            int leakedNow = Math.max(0, docker.poolContainers().size() - POOL.size() - docker.spares().size());
            lost += lostNow;
            leaked += leakedNow;
            tally.add("try " + i + " (" + (graceful ? "restart" : "kill+start") + " " + delay + " ms after killing "
                    + victim + "): " + (settled ? "ok" : "NOT SETTLED, running " + running + ", containers "
                            + docker.poolContainers().stream().map(DockerPool::nameOf).toList()));
        }
        System.out.println("[restart-race] tries=" + tries + " lost=" + lost + " leaked=" + leaked + "\n  "
                + String.join("\n  ", tally));
        assertEquals(0, lost, String.join("\n", tally));
        assertEquals(0, leaked, String.join("\n", tally));
        assertTrue(tally.stream().allMatch(line -> line.endsWith("ok")), String.join("\n", tally));
        assertEquals("{\"message\": {\"N\": 3, \"replicas\": [\"Server1\", \"Server2\", \"Server3\"]}, "
                + "\"status\": \"successful\"}", docker.send("GET", "/rep", null).body());
        assertTrue(docker.balancer.getLogs().lines().noneMatch(line -> line.contains("removed interrupted claim")),
                "no claim reported removed at shutdown");
    }

    /** /rep lists the pool in order, and each replica, asked by name, answers with its own id. */
    private static boolean allServeWithTheirIds() {
        try {
            String base = docker.baseUri();
            HttpResponse<String> rep = get(base + "/rep", null);
            if (rep.statusCode() != 200 || !rep.body().contains("[\"Server1\", \"Server2\", \"Server3\"]")) {
                return false;
            }
            for (int id = 1; id <= POOL.size(); id++) {
                HttpResponse<String> home = get(base + "/home", POOL.get(id - 1));
                if (home.statusCode() != 200 || !home.body().contains("Hello from Server: " + id + "\"")) {
                    return false;
                }
            }
            return true;
        } catch (Exception notYet) {
            return false;
        }
    }

    private static HttpResponse<String> get(String uri, String replica) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(3));
        if (replica != null) {
            request.header("X-LB-Replica", replica);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean await(BooleanSupplier condition, int seconds, String what) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            try {
                if (condition.getAsBoolean()) {
                    return true;
                }
            } catch (RuntimeException notYet) {
                // the balancer restarting, Docker listing mid-change
            }
            Thread.sleep(250);
        }
        if (what != null) {
            throw new AssertionError("timed out: " + what);
        }
        return false;
    }
}
