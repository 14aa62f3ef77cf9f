package lb.balancer.it;

import com.github.dockerjava.api.DockerClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Kills a replica's container and measures how the balancer heals it: when the replica left the ring (detection) and
 * when a new container under the same name served its keys again (serving), from the kill and from the death as
 * Docker recorded it ({@code State.FinishedAt}). Prints each kill and, at the end, min / median / max. The same for
 * every runtime (docker: {@link SelfHealingIT}; swarm: {@link SwarmIT}), so their numbers compare.
 */
final class KillTimes {

    /** The pool's crash-loop window: a replica that dies within 10 s of its start is replaced after a backoff. */
    private static final Duration STABLE_AFTER = Duration.ofMillis(10_500);

    private final String tag;
    /** When each killed replica served again (System.nanoTime), for {@link #awaitStable}. */
    private final java.util.Map<String, Long> replacedAt = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Long> detection = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> serving = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> detectionFromDeath = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> servingFromDeath = Collections.synchronizedList(new ArrayList<>());

    /** @param tag printed before every line, e.g. {@code [self-healing]} */
    KillTimes(String tag) {
        this.tag = tag;
    }

    /**
     * Kills the running container of {@code name} ({@code containerIdOf} answers it, or null when none runs), waits
     * (at most {@code liveness} per step) until {@code /status} no longer has it up and then until a key of its is
     * served by it again from another container, and records both times.
     */
    void killAndMeasure(String baseUri, DockerClient docker, String name, Function<String, String> containerIdOf,
            Duration liveness) throws Exception {
        long key = PoolHttp.keyServedBy(baseUri, name);
        String old = containerIdOf.apply(name);
        long killedAt = System.nanoTime();
        docker.killContainerCmd(old).exec();
        long killReturned = System.nanoTime();
        // When the process died, as Docker recorded it: asked in parallel, before the runtime removes the container.
        CompletableFuture<Instant> diedAt = CompletableFuture.supplyAsync(() -> finishedAt(docker, old));
        PoolHttp.await(() -> !"up".equals(PoolHttp.health(baseUri, name)), name + " leaves the ring", liveness);
        long detected = System.nanoTime();
        Instant detectedAt = Instant.now();
        PoolHttp.await(() -> name.equals(PoolHttp.servedBy(baseUri, key)) && !old.equals(containerIdOf.apply(name)),
                name + " serving again", liveness);
        long served = System.nanoTime();
        Instant servingAt = Instant.now();
        replacedAt.put(name, served);
        detection.add((detected - killedAt) / 1_000_000);
        serving.add((served - killedAt) / 1_000_000);
        Instant died = diedAt.join();
        String fromDeath = "death time not recorded (container already removed)";
        if (died != null) {
            long detectionSinceDeath = Duration.between(died, detectedAt).toMillis();
            long servingSinceDeath = Duration.between(died, servingAt).toMillis();
            detectionFromDeath.add(detectionSinceDeath);
            servingFromDeath.add(servingSinceDeath);
            fromDeath = "from the death: out after " + detectionSinceDeath + " ms, serving after " + servingSinceDeath
                    + " ms";
        }
        System.out.println(tag + " killed " + name + ": out of the ring after " + (detected - killedAt) / 1_000_000
                + " ms, replacement serving after " + (served - killedAt) / 1_000_000 + " ms (docker kill returned after "
                + (killReturned - killedAt) / 1_000_000 + " ms; " + fromDeath + ")");
    }

    /**
     * Waits until {@code name}, if it was killed here, has been up longer than the pool's crash-loop window: a second
     * kill sooner would measure the crash-loop backoff (a separate policy, unit-tested in ReplicaPoolHealingTest),
     * not plain replacement.
     */
    void awaitStable(String name) throws InterruptedException {
        Long previous = replacedAt.get(name);
        long wait = previous == null ? 0 : previous + STABLE_AFTER.toNanos() - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000 + 1);
        }
    }

    /** Prints min / median / max of every measure taken. */
    void report() {
        if (!detection.isEmpty()) {
            System.out.println(tag + " kills=" + detection.size() + " detection ms " + PoolHttp.summary(detection)
                    + "; replacement serving ms " + PoolHttp.summary(serving));
        }
        if (!detectionFromDeath.isEmpty()) {
            System.out.println(tag + " from the death Docker recorded: kills=" + detectionFromDeath.size()
                    + " detection ms " + PoolHttp.summary(detectionFromDeath) + "; replacement serving ms "
                    + PoolHttp.summary(servingFromDeath));
        }
    }

    /** When a container's process exited, from Docker's State.FinishedAt; null if the container is gone. */
    private static Instant finishedAt(DockerClient docker, String containerId) {
        try {
            String finished = docker.inspectContainerCmd(containerId).exec().getState().getFinishedAt();
            return finished == null || finished.startsWith("0001-") ? null : Instant.parse(finished);
        } catch (RuntimeException gone) {
            return null;
        }
    }
}
