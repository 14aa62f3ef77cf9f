package lb.balancer.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import lb.balancer.membership.Member;
import lb.balancer.membership.PoolEvent;
import lb.balancer.membership.ReplicaPool;
import lb.balancer.membership.Transition;
import lb.balancer.routing.ConsistentHashStrategy;
import lb.balancer.testing.Await;
import lb.hashring.RingConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, probe 4, through the Docker runtime (the real {@link DockerRuntime} over an {@link InMemoryDocker}): with
 * the replica image removed, a dead replica's replacement is blocked and says so ("image missing", in {@code /status}
 * and the journal); the image tagged again, Docker's image event ends the wait at once (not after the backoff), and
 * the warm spare comes back too.
 */
class ImageBackTest {

    /** Long enough that a replacement within it can only have been woken by the image event. */
    private static final Duration BACKOFF = Duration.ofSeconds(20);

    @TempDir
    Path records;

    private InMemoryDocker docker;
    private DockerRuntime runtime;
    private ReplicaPool pool;

    @BeforeEach
    void startThreeWithASpare() throws Exception {
        docker = new InMemoryDocker();
        runtime = InMemoryDocker.runtime(docker.connect(), 1, records.resolve("pool.record"));
        pool = new ReplicaPool(runtime, new ConsistentHashStrategy(RingConfig.defaults()), 56, BACKOFF,
                BACKOFF.multipliedBy(2), Duration.ofSeconds(2), ReplicaPool.DEFAULT_MAX_EJECTION_PERCENT);
        pool.bootstrap(3);
        Await.until(() -> runtime.readySpares() == 1, "a spare ready");
    }

    @AfterEach
    void close() {
        pool.close();
        docker.close();
    }

    @Test
    void aReplacementBlockedByAMissingImageSaysSoAndRunsAsSoonAsTheImageIsBack() throws Exception {
        docker.removeImage();
        String spare = docker.all().stream().filter(InMemoryDocker.Box::unclaimedSpare).findFirst().orElseThrow().name;
        docker.kill(spare); // the spare dies too: nothing left to replace from but the (missing) image
        Await.until(() -> runtime.readySpares() == 0, "the dead spare dropped");

        docker.kill("Server2");
        // blockedBy reads the healer's state directly; the journal entry follows on the membership thread.
        Await.until(() -> pool.blockedBy("Server2") != null && pool.journal().last("Server2")
                .map(e -> e.transition() == Transition.BACKOFF).orElse(false), "the replacement blocked");

        String blocked = pool.blockedBy("Server2");
        assertTrue(blocked.startsWith("image missing"), blocked);
        PoolEvent backoff = pool.journal().last("Server2").orElseThrow();
        assertEquals(Transition.BACKOFF, backoff.transition());
        assertTrue(backoff.cause().contains("image_missing") && backoff.cause().contains("not found"),
                backoff.cause());
        assertNotNull(backoff.duration());

        long began = System.nanoTime();
        docker.restoreImage("lb-server:latest");
        Await.until(() -> pool.members().get(1).health() == Member.Health.UP, "Server2 replaced once the image is back");
        long millis = (System.nanoTime() - began) / 1_000_000;

        assertTrue(millis < BACKOFF.toMillis() / 2, "woken by the image event, not the backoff: " + millis + " ms");
        assertEquals(2, pool.members().get(1).spec().id());
        Await.until(() -> runtime.readySpares() == 1, "the spare back as well");
    }
}
