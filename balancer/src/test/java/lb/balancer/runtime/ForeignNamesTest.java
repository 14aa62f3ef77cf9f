package lb.balancer.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import lb.balancer.membership.PoolException;
import lb.balancer.membership.ReplicaPool;
import lb.balancer.routing.ConsistentHashStrategy;
import lb.hashring.RingConfig;
import lb.balancer.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, probe 3, at unit level (the real {@link DockerRuntime} over an {@link InMemoryDocker}; DockerBlastRadiusIT
 * does the same with real containers): a name a foreign container holds is refused with a conflict before the warm
 * spare is spent, generated names skip it, and the foreign container is never renamed, stopped or removed.
 */
class ForeignNamesTest {

    @TempDir
    Path records;

    private InMemoryDocker docker;
    private DockerRuntime runtime;
    private ReplicaPool pool;

    @BeforeEach
    void startThreeWithASpare() throws Exception {
        docker = new InMemoryDocker();
        docker.addForeign("S9");
        docker.addForeign("Server4");
        runtime = InMemoryDocker.runtime(docker.connect(), 1, records.resolve("pool.record"));
        pool = new ReplicaPool(runtime, new ConsistentHashStrategy(RingConfig.defaults()), 56, Duration.ofMillis(50),
                Duration.ofSeconds(1), Duration.ofSeconds(2), ReplicaPool.DEFAULT_MAX_EJECTION_PERCENT);
        pool.bootstrap(3);
        Await.until(() -> runtime.readySpares() == 1, "a spare ready");
    }

    @AfterEach
    void close() {
        pool.close();
        docker.close();
    }

    @Test
    void aNameAForeignContainerHoldsIsAConflictBeforeTheSpareIsSpent() {
        int changes = docker.changes().size();

        PoolException refused = assertThrows(PoolException.class, () -> pool.add(1, List.of("S9")));

        assertEquals(PoolException.Reason.CONFLICT, refused.reason(), refused.getMessage());
        assertTrue(refused.getMessage().contains("S9"), refused.getMessage());
        assertEquals(List.of("Server1", "Server2", "Server3"), pool.names());
        assertEquals(1, runtime.readySpares(), "the spare is still there");
        assertEquals(List.of(), docker.changes().subList(changes, docker.changes().size()), "nothing was changed");
    }

    @Test
    void generatedNamesSkipNamesForeignContainersHoldAndLeaveThemUntouched() throws Exception {
        List<String> added = pool.add(1, List.of());

        assertEquals(List.of("Server1", "Server2", "Server3", "Server5"), added, "Server4 is someone else's");
        assertTrue(docker.changes().stream().noneMatch(change -> change.contains("S9") || change.contains("Server4")),
                "no change touched a foreign container: " + docker.changes());
        assertTrue(docker.all().stream().anyMatch(box -> box.name.equals("Server4") && box.running));
        assertTrue(docker.all().stream().anyMatch(box -> box.name.equals("S9") && box.running));
    }

    @Test
    void removingAForeignNameIsRefusedAndTouchesNothing() {
        int changes = docker.changes().size();

        PoolException refused = assertThrows(PoolException.class, () -> pool.remove(1, List.of("S9")));

        assertEquals(PoolException.Reason.INVALID, refused.reason(), refused.getMessage());
        assertEquals(List.of(), docker.changes().subList(changes, docker.changes().size()), "nothing was changed");
    }
}
