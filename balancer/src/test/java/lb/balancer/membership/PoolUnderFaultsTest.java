package lb.balancer.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import lb.balancer.membership.PoolException.Reason;
import lb.balancer.replica.Replica;
import lb.balancer.routing.ConsistentHashStrategy;
import lb.balancer.runtime.Death;
import lb.balancer.runtime.RecoverySignal;
import lb.balancer.runtime.ReplicaStartException;
import lb.balancer.testing.Await;
import lb.hashring.RingConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pool against a runtime that hangs, fails and recovers (issue 12, probes 2, 4 and 5): admin calls answer within
 * their bound with the truth and a late runtime result changes nothing; healing goes on while an admin call waits; a
 * backoff ends when its cause is gone; every change is journaled with its cause and forensics.
 */
class PoolUnderFaultsTest {

    private static final Duration ADMIN_TIMEOUT = Duration.ofMillis(400);
    private static final List<String> THREE = List.of("Server1", "Server2", "Server3");

    private FakeRuntime runtime;
    private ReplicaPool pool;

    @BeforeEach
    void startThree() throws PoolException {
        runtime = new FakeRuntime();
        pool = new ReplicaPool(runtime, new ConsistentHashStrategy(RingConfig.defaults()), 56,
                Duration.ofSeconds(5), Duration.ofSeconds(30), ADMIN_TIMEOUT, ReplicaPool.DEFAULT_MAX_EJECTION_PERCENT);
        pool.bootstrap(3);
    }

    @AfterEach
    void close() {
        runtime.releaseHangs();
        pool.close();
    }

    @Test
    void addAgainstAHungDaemonIsRefusedWithinItsBoundAndNothingHappensWhenTheDaemonWakes() throws Exception {
        runtime.hangChecks();

        long began = System.nanoTime();
        PoolException e = assertThrows(PoolException.class, () -> pool.add(1, List.of()));
        long millis = (System.nanoTime() - began) / 1_000_000;

        assertEquals(Reason.UNAVAILABLE, e.reason());
        assertTrue(e.getMessage().contains("nothing was changed"), e.getMessage());
        assertTrue(millis < ADMIN_TIMEOUT.toMillis() + 1_000, "answered after " + millis + " ms");
        runtime.releaseHangs();
        Thread.sleep(200);
        assertEquals(THREE, pool.names());
        assertEquals(3, runtime.starts(), "nothing started after the answer");
    }

    @Test
    void aStartThatFinishesAfterTheDeadlineIsUndoneAndItsNameFreedAgain() throws Exception {
        runtime.hangStartsOf("S9");

        PoolException e = assertThrows(PoolException.class, () -> pool.add(1, List.of("S9")));
        assertEquals(Reason.UNAVAILABLE, e.reason());
        assertEquals(THREE, pool.names());

        runtime.releaseHangs(); // the start completes now, long after the caller was told "nothing changed"
        Await.until(() -> runtime.stopped().contains("S9") && !runtime.running().contains("S9"), "late S9 stopped");
        assertEquals(THREE, pool.names());
        Await.until(() -> {
            try {
                return pool.add(1, List.of("S9")).contains("S9");
            } catch (PoolException stillReserved) {
                return false;
            }
        }, "S9 can be added once the late start is undone");
        assertEquals(Set.of("Server1", "Server2", "Server3", "S9"), runtime.running());
    }

    @Test
    void aFreshStartMayTakeLongerThanAnAdminCallAnswers() throws Exception {
        FakeRuntime slow = new FakeRuntime();
        slow.hangStartsOf("Server2"); // a cold JVM that boots slower than an /add may answer
        try (ReplicaPool fresh = new ReplicaPool(slow, new ConsistentHashStrategy(RingConfig.defaults()), 56,
                Duration.ofSeconds(5), Duration.ofSeconds(30), ADMIN_TIMEOUT,
                ReplicaPool.DEFAULT_MAX_EJECTION_PERCENT)) {
            CompletableFuture.delayedExecutor(ADMIN_TIMEOUT.toMillis() * 2, java.util.concurrent.TimeUnit.MILLISECONDS)
                    .execute(slow::releaseHangs);
            fresh.bootstrap(3, Duration.ofSeconds(10));
            assertEquals(THREE, fresh.names());
            assertEquals(Set.copyOf(THREE), slow.running());
        }
    }

    @Test
    void healingGoesOnWhileAnAdminCallWaitsForTheRuntime() throws Exception {
        try (ReplicaPool patient = new ReplicaPool(runtime, new ConsistentHashStrategy(RingConfig.defaults()), 56,
                Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5), 50)) {
            FakeRuntime own = runtime;
            patient.bootstrap(0);
            patient.add(2, List.of("A1", "A2"));
            own.hangStartsOf("S9");
            CompletableFuture<List<String>> add = CompletableFuture.supplyAsync(() -> {
                try {
                    return patient.add(1, List.of("S9"));
                } catch (PoolException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(100);
            Replica a1 = patient.replicas().getFirst();

            own.die(a1);

            Await.until(() -> patient.healthyCount() == 2 && !patient.replicas().contains(a1), "A1 replaced");
            assertTrue(!add.isDone(), "the add is still waiting for its start");
            own.releaseHangs();
            assertEquals(List.of("A1", "A2", "S9"), add.get());
        }
    }

    @Test
    void removeAgainstAHungDaemonIsRefusedAndKeepsEveryReplica() {
        runtime.hangChecks();

        PoolException e = assertThrows(PoolException.class, () -> pool.remove(1, List.of("Server2")));

        assertEquals(Reason.UNAVAILABLE, e.reason());
        assertEquals(THREE, pool.names());
        assertEquals(3, pool.healthyCount(), "still in the ring");
    }

    @Test
    void aDeathIsJournaledWithItsForensicsAndTheReplacementWithTheOutage() throws Exception {
        Replica server2 = pool.replicas().get(1);
        Death oom = new Death(137, true, List.of("starting", "java.lang.OutOfMemoryError: Java heap space"));

        runtime.witnessDeathsAs("docker die event");
        runtime.die(server2, oom);
        Await.until(() -> pool.journal().last("Server2").orElseThrow().transition() == Transition.REPLACED_COLD,
                "replacement");

        List<PoolEvent> events = pool.journal().recent(10).stream().filter(e -> e.replica().equals("Server2")).toList();
        assertEquals(List.of(Transition.JOINED, Transition.DEAD, Transition.REPLACED_COLD),
                events.stream().map(PoolEvent::transition).toList());
        PoolEvent dead = events.get(1);
        assertEquals(oom, dead.death());
        assertEquals("docker die event", dead.cause(), "the runtime says who saw it die");
        assertTrue(dead.line().contains("exit 137, OOM-killed") && dead.line().contains("OutOfMemoryError"),
                dead.line());
        assertNotNull(events.get(2).duration(), "how long it was out of the ring");
        assertEquals(Transition.REPLACED_COLD, pool.journal().last("Server2").orElseThrow().transition());
    }

    @Test
    void aBlockedReplacementSaysWhyAndTheImageComingBackEndsTheWaitAtOnce() throws Exception {
        runtime.failStartsOf("Server2");
        runtime.failWith(ReplicaStartException.Kind.IMAGE_MISSING);
        Replica server2 = pool.replicas().get(1);

        runtime.die(server2);
        Await.until(() -> pool.journal().last("Server2").orElseThrow().transition() == Transition.BACKOFF, "a failed try");

        PoolEvent backoff = pool.journal().last("Server2").orElseThrow();
        assertEquals(Duration.ofSeconds(5), backoff.duration(), "the first wait is the base");
        assertTrue(backoff.cause().contains("image_missing"), backoff.cause());
        String blocked = pool.blockedBy("Server2");
        assertNotNull(blocked);
        assertTrue(blocked.startsWith("image missing, next try in"), blocked);

        runtime.healStartsOf("Server2");
        long began = System.nanoTime();
        runtime.signal(RecoverySignal.IMAGE_AVAILABLE);
        Await.until(() -> pool.healthyCount() == 3, "replacement once the image is back");
        assertTrue(System.nanoTime() - began < Duration.ofSeconds(4).toNanos(), "did not wait out the 5 s backoff");
        assertNull(pool.blockedBy("Server2"));
    }

    @Test
    void aSpareBecomingReadyEndsTheWaitOfAReplacementBlockedByTheImage() throws Exception {
        runtime.failStartsOf("Server2");
        runtime.failWith(ReplicaStartException.Kind.IMAGE_MISSING);
        runtime.die(pool.replicas().get(1));
        Await.until(() -> pool.journal().last("Server2").orElseThrow().transition() == Transition.BACKOFF, "a failed try");

        runtime.healStartsOf("Server2"); // a spare booted from an image that is there again
        long began = System.nanoTime();
        runtime.signal(RecoverySignal.SPARE_READY);
        Await.until(() -> pool.healthyCount() == 3, "replaced once a spare is ready (probe 4)");
        assertTrue(System.nanoTime() - began < Duration.ofSeconds(4).toNanos(), "did not wait out the 5 s backoff");
    }

    @Test
    void theDaemonAnsweringAgainEndsTheWaitOfAReplacementItBlocked() throws Exception {
        runtime.setAvailable(false);
        runtime.die(pool.replicas().get(1));
        Await.until(() -> pool.journal().last("Server2").orElseThrow().transition() == Transition.BACKOFF, "a failed try");
        assertTrue(pool.journal().last("Server2").orElseThrow().cause().contains("runtime_unreachable"),
                pool.journal().last("Server2").orElseThrow().cause());

        runtime.setAvailable(true);
        long began = System.nanoTime();
        runtime.signal(RecoverySignal.RUNTIME_ANSWERING);
        Await.until(() -> pool.healthyCount() == 3, "replaced once the daemon answers");
        assertTrue(System.nanoTime() - began < Duration.ofSeconds(4).toNanos(), "did not wait out the 5 s backoff");
    }

    @Test
    void aCrashLoopIsNotEndedBySignalsThatCannotEndIt() throws Exception {
        runtime.failStartsOf("Server2");
        Replica server2 = pool.replicas().get(1);
        runtime.die(server2);
        Await.until(() -> pool.journal().last("Server2").orElseThrow().transition() == Transition.BACKOFF, "a failed try");
        runtime.healStartsOf("Server2");
        int starts = runtime.starts();

        runtime.signal(RecoverySignal.SPARE_READY);
        runtime.signal(RecoverySignal.IMAGE_AVAILABLE);
        Thread.sleep(300);

        assertEquals(starts, runtime.starts(), "a crashing replica waits out its backoff");
        assertTrue(pool.blockedBy("Server2").startsWith("crash loop"), pool.blockedBy("Server2"));
    }
}
