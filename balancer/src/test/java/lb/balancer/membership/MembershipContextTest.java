package lb.balancer.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The membership context at shutdown. Regression: {@code close()} dropped queued tasks with {@code shutdownNow} and
 * a caller of {@code call} whose task was queued waited forever (an admin call arriving during a graceful stop hung;
 * RestartConvergenceTest timed out under CPU load, where that interleaving happens).
 */
class MembershipContextTest {

    @Test
    void aCallWhoseTaskIsDroppedAtCloseIsAnsweredUnavailableAndItsTaskNeverRuns() throws Exception {
        MembershipContext context = new MembershipContext();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        context.execute(() -> { // occupies the context, so the call below queues behind it
            running.countDown();
            awaitQuietly(release);
        });
        assertTrue(running.await(5, TimeUnit.SECONDS));

        AtomicBoolean ran = new AtomicBoolean();
        CompletableFuture<Object> caller = CompletableFuture.supplyAsync(() -> {
            try {
                return context.call(() -> {
                    ran.set(true);
                    return "changed";
                });
            } catch (PoolException e) {
                return e;
            }
        });
        Thread.sleep(100); // the caller's task is queued behind the running one
        context.close(); // interrupts the running task; the queued one is dropped

        Object answer = caller.get(5, TimeUnit.SECONDS); // before the fix: TimeoutException, the caller waited forever
        PoolException refused = assertInstanceOf(PoolException.class, answer);
        assertEquals(PoolException.Reason.UNAVAILABLE, refused.reason());
        assertFalse(ran.get(), "a caller told 'unavailable' must not have had its change made");
        release.countDown();
    }

    @Test
    void aCallAfterCloseIsRefusedAtOnce() {
        MembershipContext context = new MembershipContext();
        context.close();
        PoolException e = assertThrows(PoolException.class,
                () -> context.call(() -> "changed"));
        assertEquals(PoolException.Reason.UNAVAILABLE, e.reason());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
