package lb.balancer.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A Docker call that outlives its deadline is reported unavailable at the deadline and undone when it completes. */
class DockerCallsTest {

    private final DockerCalls calls = new DockerCalls();

    @Test
    void aCallPastItsDeadlineFailsAtTheDeadlineAndItsLateResultIsUndone() throws Exception {
        CountDownLatch daemonWakes = new CountDownLatch(1);
        List<String> undone = new CopyOnWriteArrayList<>();
        CountDownLatch undoRan = new CountDownLatch(1);
        long began = System.nanoTime();

        RuntimeUnavailableException e = assertThrows(RuntimeUnavailableException.class,
                () -> calls.change(Deadline.in(Duration.ofMillis(200)), "creating S1", () -> {
                    await(daemonWakes);
                    return "container-1";
                }, late -> {
                    undone.add(late);
                    undoRan.countDown();
                }));
        long millis = (System.nanoTime() - began) / 1_000_000;

        assertTrue(millis < 1_000, "answered at the deadline, not when the daemon woke: " + millis + " ms");
        assertTrue(e.getMessage().contains("creating S1") && e.getMessage().contains("nothing was changed"),
                e.getMessage());
        assertTrue(calls.unreachable());
        daemonWakes.countDown();
        assertTrue(undoRan.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("container-1"), undone);
        assertTrue(!calls.unreachable(), "a late answer is an answer");
    }

    @Test
    void aCallInTimeIsNotUndone() throws Exception {
        List<String> undone = new CopyOnWriteArrayList<>();

        String result = calls.change(Deadline.in(Duration.ofSeconds(5)), "creating S1", () -> "container-1",
                undone::add);

        assertEquals("container-1", result);
        Thread.sleep(100);
        assertEquals(List.of(), undone);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
