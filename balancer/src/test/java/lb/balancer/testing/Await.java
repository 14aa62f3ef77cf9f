package lb.balancer.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting in tests for what another thread does: polls a condition until it holds or a bound passes. */
public final class Await {

    private static final Duration DEFAULT_BOUND = Duration.ofSeconds(5);

    private Await() {
    }

    /** Waits until {@code condition} holds, at most 5 s; fails with {@code what} otherwise. */
    public static void until(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + DEFAULT_BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }
}
