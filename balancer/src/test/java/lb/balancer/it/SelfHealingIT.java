package lb.balancer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Self-healing with real containers: replicas killed under load, two at once, paused, removed while being replaced,
 * and the balancer itself killed and restarted. Detection and recovery times are measured and printed (the goals
 * are reported from these numbers; the assertions only bound liveness generously).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SelfHealingIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration LIVENESS = Duration.ofSeconds(30);
    /** The pool's crash-loop window: a replica up for less than this that dies is restarted after a backoff. */
    private static final Duration STABLE_AFTER = Duration.ofMillis(10_500);
    private static final Map<String, Long> replacedAt = new java.util.concurrent.ConcurrentHashMap<>();

    @RegisterExtension
    static final DockerPool docker = new DockerPool(Map.of()).printingLogLines("self-healing",
            // The balancer's own account of each healing, for the report: when it knew, how long replacing took.
            line -> line.contains("died") || line.contains("is dead") || line.contains("replaced")
                    || line.contains("started Server") || line.contains("spare"));
    private static final List<Long> detectionMillis = Collections.synchronizedList(new ArrayList<>());
    private static final List<Long> servingMillis = Collections.synchronizedList(new ArrayList<>());
    /** Detection and serving again measured from the container's death as Docker recorded it (State.FinishedAt). */
    private static final List<Long> detectionFromDeathMillis = Collections.synchronizedList(new ArrayList<>());
    private static final List<Long> servingFromDeathMillis = Collections.synchronizedList(new ArrayList<>());

    @AfterAll
    static void report() {
        if (!detectionMillis.isEmpty()) {
            System.out.println("[self-healing] kills=" + detectionMillis.size()
                    + " detection ms " + summary(detectionMillis) + "; replacement serving ms " + summary(servingMillis));
        }
        if (!detectionFromDeathMillis.isEmpty()) {
            System.out.println("[self-healing] from the death Docker recorded: kills=" + detectionFromDeathMillis.size()
                    + " detection ms " + summary(detectionFromDeathMillis) + "; replacement serving ms "
                    + summary(servingFromDeathMillis));
        }
    }

    private static String summary(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return "min " + sorted.getFirst() + " / median " + sorted.get(sorted.size() / 2) + " / max " + sorted.getLast()
                + " " + sorted;
    }

    // ------------------------------------------------------------------------------------------------ scenarios

    @Test
    @Order(1)
    void killUnderLoadFailsNoRequestAndTheReplacementServes() throws Exception {
        Load load = Load.start(docker.baseUri(), 10_000, 32);
        load.awaitSent(2_000);
        killAndMeasure("Server2");
        Load.Result result = load.finish();

        assertEquals(0, result.failed(), "failed GETs: " + result.statuses());
        assertEquals(10_000, result.ok());
        assertEquals(List.of("Server1", "Server2", "Server3"), names());

        // The balancer's own account of the kill, the first of this run: /status tells it, /metrics counts it.
        JsonNode status = JSON.readTree(docker.send("GET", "/status", null).body()).path("message");
        JsonNode server2 = null;
        for (JsonNode row : status.path("replicas")) {
            if (row.path("name").asText().equals("Server2")) server2 = row;
        }
        assertEquals(1, server2.path("timesReplaced").asInt(), server2.toString());
        assertTrue(server2.path("downtimeMs").asLong() > 0, server2.toString());
        // The replacement is among the recent events, not necessarily Server2's last one: under this load a later
        // heartbeat may time out and clear again (suspect, cleared) after the replacement serves.
        String dead = null;
        String replaced = null;
        for (JsonNode event : status.path("events")) {
            if (!event.path("replica").asText().equals("Server2")) continue;
            switch (event.path("transition").asText()) {
                case "dead" -> dead = event.path("summary").asText();
                case "replaced_from_spare", "replaced_cold" -> replaced = event.path("summary").asText();
                default -> { }
            }
        }
        assertTrue(replaced != null && replaced.matches("replaced (from spare|by a cold start) in \\d+ ms"),
                replaced + " in " + status.path("events"));
        // Docker's die event, unless two failed heartbeats beat the reading of its forensics.
        assertTrue(dead != null && dead.matches("docker die event, exit 137|heartbeat .+ x\\d+"), String.valueOf(dead));
        String metrics = docker.send("GET", "/metrics", null).body();
        assertEquals(1, metric(metrics, "lb_pool_replacements_total{source=\"spare\"}")
                + metric(metrics, "lb_pool_replacements_total{source=\"cold\"}"), 1e-9);
        assertEquals(1, metric(metrics, "lb_pool_replacement_seconds_count"), 1e-9);
        assertEquals(1, metric(metrics, "lb_pool_detection_seconds_count"), 1e-9);
        assertTrue(metric(metrics, "lb_replica_picks_total{replica=\"Server2\"}") > 0);
    }

    /** The value of one series in a Prometheus scrape (0 when absent). */
    private static double metric(String scrape, String series) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ")) return Double.parseDouble(line.substring(series.length() + 1).trim());
        }
        return 0;
    }

    @Test
    @Order(2)
    void repeatedKillsAreEachHealed() throws Exception {
        for (String victim : List.of("Server1", "Server3", "Server2", "Server1", "Server3")) {
            awaitStable(victim);
            Load load = Load.start(docker.baseUri(), 1_500, 8);
            load.awaitSent(300);
            killAndMeasure(victim);
            Load.Result result = load.finish();
            assertEquals(0, result.failed(), "failed GETs after killing " + victim + ": " + result.statuses());
        }
        assertEquals(List.of("Server1", "Server2", "Server3"), names());
    }

    @Test
    @Order(3)
    void twoOfThreeKilledAreBothReplaced() throws Exception {
        awaitStable("Server1");
        awaitStable("Server2");
        Map<String, String> before = containerIds();
        Load load = Load.start(docker.baseUri(), 3_000, 16);
        load.awaitSent(500);
        awaitSpare();
        long killedAt = System.nanoTime();
        docker.docker().killContainerCmd(before.get("Server1")).exec();
        docker.docker().killContainerCmd(before.get("Server2")).exec();
        await(() -> allUp(3), "both replaced");
        // One spare covers one of the two; the other is a new container. Reported, not part of the kill statistics.
        System.out.println("[self-healing] killed 2 of 3: both replacements up after "
                + (System.nanoTime() - killedAt) / 1_000_000 + " ms");
        Load.Result result = load.finish();

        assertEquals(0, result.failed(), "failed GETs: " + result.statuses());
        Map<String, String> after = containerIds();
        assertNotEquals(before.get("Server1"), after.get("Server1"));
        assertNotEquals(before.get("Server2"), after.get("Server2"));
        assertEquals(before.get("Server3"), after.get("Server3"), "the survivor is untouched");
    }

    @Test
    @Order(4)
    void pausedReplicaIsDetectedByTimeoutAndReplaced() throws Exception {
        String paused = docker.containerIdOf("Server3");
        Load load = Load.start(docker.baseUri(), 3_000, 16);
        load.awaitSent(500);
        long pausedAt = System.nanoTime();
        docker.docker().pauseContainerCmd(paused).exec();

        await(() -> !"up".equals(health("Server3")), "paused replica leaves the ring");
        long detected = (System.nanoTime() - pausedAt) / 1_000_000;
        await(() -> allUp(3) && !paused.equals(safeContainerId("Server3")), "paused replica replaced");
        System.out.println("[self-healing] pause detected after " + detected + " ms");
        Load.Result result = load.finish();
        // GETs caught waiting on the hung replica are retried elsewhere once it is declared dead.
        assertEquals(0, result.failed(), "failed GETs: " + result.statuses());

        for (int i = 0; i < 200; i++) {
            assertEquals(200, get(docker.baseUri(), ThreadLocalRandom.current().nextInt(100_000, 1_000_000)));
        }
        assertFalse(docker.poolContainers().stream().anyMatch(c -> c.getId().equals(paused)), "paused one removed");
    }

    @Test
    @Order(5)
    void aDeadOrHungSpareNeitherBlocksHealingNorIsKept() throws Exception {
        awaitSpare();
        String deadSpare = docker.spares().getFirst().getId();
        docker.docker().killContainerCmd(deadSpare).exec();
        await(() -> readySpares() == 1 && docker.spares().stream().noneMatch(c -> c.getId().equals(deadSpare)),
                "another spare after one died");

        String hungSpare = docker.spares().getFirst().getId();
        docker.docker().pauseContainerCmd(hungSpare).exec();
        awaitStable("Server1");
        String old = docker.containerIdOf("Server1");
        docker.docker().killContainerCmd(old).exec();

        await(() -> allUp(3) && !old.equals(safeContainerId("Server1")), "Server1 replaced");
        assertFalse(docker.isClaimedSpare("Server1"), "the hung spare's claim failed: a new container instead");
        await(() -> docker.poolContainers().stream().noneMatch(c -> c.getId().equals(hungSpare)),
                "the hung spare removed");
        await(() -> readySpares() == 1, "a new spare");
    }

    @Test
    @Order(6)
    void replicaRemovedWhileBeingReplacedStaysRemoved() throws Exception {
        docker.docker().killContainerCmd(docker.containerIdOf("Server2")).exec();
        await(() -> !"up".equals(health("Server2")), "kill detected");

        HttpResponse<String> rm = docker.send("DELETE", "/rm", "{\"n\": 1, \"hostnames\": [\"Server2\"]}");

        assertEquals(200, rm.statusCode(), rm.body());
        Thread.sleep(3_000); // longer than a replacement takes: it must not come back
        assertEquals(List.of("Server1", "Server3"), names());
        assertEquals(java.util.Set.of("Server1", "Server3"), docker.runningReplicas());
        assertEquals(2 + docker.spares().size(), docker.poolContainers().size(), "no stopped leftovers");
    }

    @Test
    @Order(7)
    void restartedBalancerAdoptsTheRunningReplicas() throws Exception {
        awaitSpare();
        Map<String, String> before = containerIds();
        List<String> sparesBefore = docker.spares().stream().map(c -> c.getId()).toList();

        restartBalancer(() -> {});

        assertEquals(List.of("Server1", "Server3"), names());
        assertEquals(before, containerIds(), "same containers, none new");
        assertTrue(allUp(2));
        await(() -> readySpares() == 1, "the spare adopted");
        assertEquals(sparesBefore, docker.spares().stream().map(c -> c.getId()).toList(), "the same spare");
    }

    @Test
    @Order(8)
    void replicaKilledWhileTheBalancerIsDownIsReplacedOnRestart() throws Exception {
        Map<String, String> before = containerIds();
        // A replica last replaced from a spare has its identity only in its claim file, which the restarted
        // balancer must read from the stopped container: kill such a one.
        String victim = java.util.stream.Stream.of("Server1", "Server3").filter(docker::isClaimedSpare).findFirst()
                .orElseThrow(() -> new AssertionError("neither replica runs in a claimed spare"));
        String survivor = victim.equals("Server1") ? "Server3" : "Server1";

        restartBalancer(() -> docker.docker().killContainerCmd(before.get(victim)).exec());

        await(() -> allUp(2), victim + " started again");
        Map<String, String> after = containerIds();
        assertEquals(List.of("Server1", "Server3"), names());
        assertNotEquals(before.get(victim), after.get(victim));
        assertEquals(before.get(survivor), after.get(survivor));
        assertEquals(victim.equals("Server1") ? 1 : 3, docker.serverIdOf(victim), "same id");
    }

    /**
     * The balancer stops between claiming a spare for a dead replica and renaming it (the dead container already
     * renamed out of the way): the restarted balancer finds the claim in the spare, gives it the name and adopts it.
     */
    @Test
    @Order(9)
    void spareClaimedJustBeforeTheBalancerStoppedIsAdoptedUnderItsName() throws Exception {
        awaitSpare();
        Map<String, String> before = containerIds();
        var spare = docker.spares().getFirst();
        String spareAddress = docker.docker().inspectContainerCmd(spare.getId()).exec().getNetworkSettings()
                .getNetworks().get(docker.network).getIpAddress();

        restartBalancer(() -> {
            docker.docker().killContainerCmd(before.get("Server3")).exec();
            docker.docker().renameContainerCmd(before.get("Server3")).withName("Server3-dead-it").exec();
            try {
                HttpResponse<String> claimed = CLIENT.send(HttpRequest.newBuilder(
                                URI.create("http://" + spareAddress + ":5000/claim"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "SERVER_ID=3&SERVER_NAME=Server3&SERVER_REGION=default")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, claimed.statusCode(), claimed.body());
            } catch (Exception e) {
                throw new AssertionError("claiming the spare from the test", e);
            }
        });

        await(() -> allUp(2), "both replicas up");
        assertEquals(List.of("Server1", "Server3"), names());
        assertEquals(spare.getId(), containerIds().get("Server3"), "the claimed spare, renamed, is Server3");
        assertEquals(before.get("Server1"), containerIds().get("Server1"));
        assertEquals(3, docker.serverIdOf("Server3"));
        await(() -> docker.poolContainers().stream().noneMatch(c -> DockerPool.nameOf(c).equals("Server3-dead-it")),
                "the dead container removed");
        await(() -> readySpares() == 1, "a new spare");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /**
     * Kills {@code name}'s container; records when the balancer noticed and when a new container served. A replica
     * that dies within 10 s of being started counts as crash-looping and is restarted only after a backoff (a
     * separate policy, unit-tested in ReplicaPoolHealingTest), so a victim is not killed again before it has been up
     * that long (see {@link #awaitStable}): these kills measure plain replacement.
     */
    private static void killAndMeasure(String name) throws Exception {
        awaitSpare();
        String baseUri = docker.baseUri();
        long key = keyServedBy(baseUri, name);
        String old = docker.containerIdOf(name);
        long killedAt = System.nanoTime();
        docker.docker().killContainerCmd(old).exec();
        long killReturned = System.nanoTime();
        // When the process died, as Docker recorded it: asked in parallel, before the balancer removes the container.
        var diedAt = java.util.concurrent.CompletableFuture.supplyAsync(() -> finishedAt(old));
        await(() -> !"up".equals(health(name)), name + " leaves the ring");
        long detected = System.nanoTime();
        java.time.Instant detectedAt = java.time.Instant.now();
        await(() -> name.equals(servedBy(baseUri, key)) && !old.equals(safeContainerId(name)), name + " replaced");
        long serving = System.nanoTime();
        java.time.Instant servingAt = java.time.Instant.now();
        replacedAt.put(name, serving);
        detectionMillis.add((detected - killedAt) / 1_000_000);
        servingMillis.add((serving - killedAt) / 1_000_000);
        java.time.Instant died = diedAt.join();
        String fromDeath = "death time not recorded (container already removed)";
        if (died != null) {
            long detectionFromDeath = java.time.Duration.between(died, detectedAt).toMillis();
            long servingFromDeath = java.time.Duration.between(died, servingAt).toMillis();
            detectionFromDeathMillis.add(detectionFromDeath);
            servingFromDeathMillis.add(servingFromDeath);
            fromDeath = "from the death: out after " + detectionFromDeath + " ms, serving after " + servingFromDeath
                    + " ms";
        }
        System.out.println("[self-healing] killed " + name + ": out of the ring after "
                + (detected - killedAt) / 1_000_000 + " ms, replacement serving after " + (serving - killedAt) / 1_000_000
                + " ms (docker kill returned after " + (killReturned - killedAt) / 1_000_000 + " ms; " + fromDeath + ")");
    }

    /** When a container's process exited, from Docker's State.FinishedAt; null if the container is gone. */
    private static java.time.Instant finishedAt(String containerId) {
        try {
            String finished = docker.docker().inspectContainerCmd(containerId).exec().getState().getFinishedAt();
            return finished == null || finished.startsWith("0001-") ? null : java.time.Instant.parse(finished);
        } catch (RuntimeException gone) {
            return null;
        }
    }

    /**
     * Waits until the balancer has a booted spare, as it does a few seconds after it starts and after each
     * replacement: what a kill finds in a running system, unless deaths come faster than spares boot.
     */
    private static void awaitSpare() throws InterruptedException {
        await(() -> readySpares() >= 1, "a spare ready");
    }

    private static int readySpares() {
        try {
            return JSON.readTree(docker.send("GET", "/status", null).body()).path("message").path("spares").asInt(-1);
        } catch (Exception e) {
            return -1;
        }
    }

    /** Waits until {@code name}, if this test replaced it, has been up longer than the crash-loop window. */
    private static void awaitStable(String name) throws InterruptedException {
        Long previous = replacedAt.get(name);
        long wait = previous == null ? 0 : previous + STABLE_AFTER.toNanos() - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000 + 1);
        }
    }

    private static void restartBalancer(Runnable whileDown) throws Exception {
        String id = docker.balancer.getContainerId();
        docker.docker().killContainerCmd(id).exec();
        whileDown.run();
        docker.docker().startContainerCmd(id).exec();
        await(() -> {
            try {
                return docker.send("GET", "/rep", null).statusCode() == 200;
            } catch (Exception notYet) {
                return false;
            }
        }, "balancer back");
    }

    private static long keyServedBy(String baseUri, String name) {
        for (long key = 100_000; key < 200_000; key++) {
            if (name.equals(servedBy(baseUri, key))) {
                return key;
            }
        }
        throw new AssertionError("no key routes to " + name);
    }

    private static String servedBy(String baseUri, long key) {
        try {
            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(URI.create(baseUri + "/home?id=" + key))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.headers().firstValue("X-Served-By").orElse(null) : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static int get(String baseUri, long key) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(baseUri + "/home?id=" + key))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static List<String> names() throws Exception {
        JsonNode replicas = JSON.readTree(docker.send("GET", "/rep", null).body()).path("message").path("replicas");
        List<String> names = new ArrayList<>();
        replicas.forEach(node -> names.add(node.asText()));
        return names;
    }

    private static String health(String name) {
        try {
            JsonNode replicas = JSON.readTree(docker.send("GET", "/status", null).body()).path("message").path("replicas");
            for (JsonNode replica : replicas) {
                if (name.equals(replica.path("name").asText())) {
                    return replica.path("health").asText();
                }
            }
            return "absent";
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static boolean allUp(int expected) {
        try {
            JsonNode replicas = JSON.readTree(docker.send("GET", "/status", null).body()).path("message").path("replicas");
            int up = 0;
            for (JsonNode replica : replicas) {
                up += "up".equals(replica.path("health").asText()) ? 1 : 0;
            }
            return up == expected && replicas.size() == expected;
        } catch (Exception e) {
            return false;
        }
    }

    private static Map<String, String> containerIds() {
        Map<String, String> ids = new HashMap<>();
        docker.poolContainers().stream().filter(c -> docker.runningReplicas().contains(DockerPool.nameOf(c)))
                .forEach(c -> ids.put(DockerPool.nameOf(c), c.getId()));
        return ids;
    }

    private static String safeContainerId(String name) {
        try {
            return docker.containerIdOf(name);
        } catch (AssertionError notRunning) {
            return null;
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + LIVENESS.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + LIVENESS.toSeconds() + " s: " + what);
            }
            Thread.sleep(10);
        }
    }

    /** {@code total} GETs of {@code /home} with random keys, at most {@code concurrency} in flight. */
    private record Load(ExecutorService executor, Future<?> driver, AtomicInteger sent, AtomicInteger ok,
            Map<Integer, Integer> statuses) {

        record Result(int ok, int failed, Map<Integer, Integer> statuses) {}

        static Load start(String baseUri, int total, int concurrency) {
            ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
            AtomicInteger sent = new AtomicInteger();
            AtomicInteger ok = new AtomicInteger();
            Map<Integer, Integer> statuses = new java.util.concurrent.ConcurrentHashMap<>();
            Semaphore permits = new Semaphore(concurrency);
            Future<?> driver = executor.submit(() -> {
                for (int i = 0; i < total; i++) {
                    permits.acquire();
                    sent.incrementAndGet();
                    executor.submit(() -> {
                        int status;
                        try {
                            status = get(baseUri, ThreadLocalRandom.current().nextInt(100_000, 1_000_000));
                        } catch (Exception e) {
                            status = -1;
                        } finally {
                            permits.release();
                        }
                        statuses.merge(status, 1, Integer::sum);
                        if (status == 200) {
                            ok.incrementAndGet();
                        }
                    });
                }
                permits.acquire(concurrency); // all answered
                return null;
            });
            return new Load(executor, driver, sent, ok, statuses);
        }

        void awaitSent(int count) throws InterruptedException {
            while (sent.get() < count && !driver.isDone()) {
                Thread.sleep(1);
            }
        }

        Result finish() throws Exception {
            driver.get();
            executor.close();
            int total = statuses.values().stream().mapToInt(Integer::intValue).sum();
            return new Result(ok.get(), total - ok.get(), Map.copyOf(statuses));
        }
    }
}
