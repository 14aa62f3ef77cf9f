package lb.balancer.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import lb.balancer.membership.Member;
import lb.balancer.membership.PoolEvent;
import lb.balancer.membership.PoolException;
import lb.balancer.membership.ReplicaPool;
import lb.balancer.membership.Transition;
import lb.balancer.routing.ConsistentHashStrategy;
import lb.hashring.RingConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica that boots slower than the admin bound, as a cold JVM does on a busy machine (issue 12.2 against
 * 12.1): {@code /add} still answers within its bound, with a 503 and nothing changed, while a replacement, which no
 * client waits for, is bounded by the readiness deadline and brings the replica back at its first attempt instead of
 * being cut short and retried just as slowly for as long as the machine stays busy.
 *
 * <p>The real {@link DockerRuntime} over an {@link InMemoryDocker}, whose containers take {@link #BOOT} to answer.
 */
class SlowBootBoundsTest {

    private static final Duration ADMIN_BOUND = Duration.ofMillis(400);
    private static final Duration READY_DEADLINE = Duration.ofSeconds(3);
    private static final Duration BOOT = Duration.ofMillis(900);
    private static final List<String> THREE = List.of("Server1", "Server2", "Server3");

    @TempDir
    Path records;

    private InMemoryDocker docker;
    private ReplicaPool pool;

    @BeforeEach
    void startThreeSlowBooters() throws PoolException {
        docker = new InMemoryDocker();
        DockerRuntime runtime = new DockerRuntime(docker.connect(), "lb-server", 0, new SlowBoot(),
                new PoolRecord(records.resolve("pool.record")));
        pool = new ReplicaPool(runtime, new ConsistentHashStrategy(RingConfig.defaults()), 56, Duration.ofMillis(50),
                Duration.ofSeconds(30), ADMIN_BOUND, READY_DEADLINE, ReplicaPool.DEFAULT_MAX_EJECTION_PERCENT);
        pool.bootstrap(3, READY_DEADLINE); // as the balancer does: a fresh start is bounded by readiness too
        assertEquals(THREE, pool.names());
    }

    @AfterEach
    void close() {
        pool.close();
        docker.close();
    }

    @Test
    void aReplacementThatBootsSlowerThanTheAdminBoundSucceedsAtItsFirstAttempt() throws Exception {
        docker.kill("Server2");

        long end = System.nanoTime() + READY_DEADLINE.multipliedBy(2).toNanos();
        // The member is replaced first, its journal entry follows on the membership thread.
        while (!(server2Up() && pool.journal().last("Server2").map(e -> e.transition() != Transition.DEAD)
                .orElse(false)) && System.nanoTime() < end) {
            Thread.sleep(20);
        }

        assertTrue(server2Up(), "Server2 replaced; journal: " + pool.journal().recent(20));
        assertEquals(2, pool.members().get(1).spec().id(), "same id");
        List<PoolEvent> server2 = pool.journal().recent(50).stream().filter(e -> e.replica().equals("Server2"))
                .toList();
        assertTrue(server2.stream().noneMatch(e -> e.transition() == Transition.BACKOFF),
                "no attempt cut short and retried: " + server2);
        assertEquals(Transition.REPLACED_COLD, server2.getLast().transition(), server2.toString());
    }

    @Test
    void anAddThatBootsSlowerThanTheAdminBoundAnswers503WithinItAndChangesNothing() throws Exception {
        long began = System.nanoTime();
        PoolException refused = assertThrows(PoolException.class, () -> pool.add(1, List.of("S4")));
        long millis = (System.nanoTime() - began) / 1_000_000;

        assertEquals(PoolException.Reason.UNAVAILABLE, refused.reason(), refused.getMessage());
        assertTrue(millis < ADMIN_BOUND.toMillis() + 300, "answered after " + millis + " ms");
        Thread.sleep(BOOT.plusMillis(300).toMillis()); // long enough for the slow boot to have ended
        assertEquals(THREE, pool.names());
        assertFalse(docker.all().stream().anyMatch(box -> box.name.startsWith("S4")),
                "the late container was removed: " + docker.all());
    }

    private boolean server2Up() {
        Member server2 = pool.members().get(1);
        return server2.health() == Member.Health.UP && server2.replica() != null
                && docker.all().stream().anyMatch(box -> box.name.equals("Server2") && box.running);
    }

    /** A container answers {@code /heartbeat} only {@link #BOOT} after the probe starts waiting for it. */
    private static final class SlowBoot extends ReadinessProbe {
        SlowBoot() {
            super(READY_DEADLINE);
        }

        @Override
        public void awaitReady(String baseUri, BooleanSupplier stillAlive, Duration limit)
                throws ReplicaStartException {
            try {
                Thread.sleep(Math.min(BOOT.toMillis(), limit.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ReplicaStartException("interrupted while waiting for " + baseUri, e);
            }
            if (limit.compareTo(BOOT) < 0) {
                throw new ReplicaStartException("did not answer " + baseUri + "/heartbeat within " + limit.toMillis()
                        + " ms");
            }
            if (!stillAlive.getAsBoolean()) {
                throw new ReplicaStartException("exited before answering /heartbeat");
            }
        }
    }
}
