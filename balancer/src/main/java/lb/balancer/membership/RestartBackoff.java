package lb.balancer.membership;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * When a replica may be started again. The first replacement is immediate; a replacement that fails to start, or
 * dies again soon after it came up (a crash loop), doubles the wait, up to a maximum. A replica that stays up for
 * {@code stableAfter} is forgiven.
 *
 * <p>Thread-safe.
 */
final class RestartBackoff {

    private record State(int failures, long notBeforeNanos, long upSinceNanos) {}

    private final Duration base;
    private final Duration max;
    private final Duration stableAfter;
    private final LongSupplier clock;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    RestartBackoff(Duration base, Duration max, Duration stableAfter, LongSupplier clock) {
        this.base = base;
        this.max = max;
        this.stableAfter = stableAfter;
        this.clock = clock;
    }

    /** Nanoseconds until {@code name} may be started (0: now). */
    long waitNanos(String name) {
        State state = states.get(name);
        return state == null ? 0 : Math.max(0, state.notBeforeNanos - clock.getAsLong());
    }

    /** A start of {@code name} failed. */
    void startFailed(String name) {
        states.compute(name, (key, state) -> delayed(state == null ? 1 : state.failures + 1, 0));
    }

    /** {@code name} came up. */
    void started(String name) {
        State state = states.get(name);
        int failures = state == null ? 0 : state.failures;
        states.put(name, new State(failures, 0, clock.getAsLong()));
    }

    /** {@code name} died: a death soon after a start counts as a failed start. */
    void died(String name) {
        states.compute(name, (key, state) -> {
            if (state == null) {
                return null;
            }
            boolean crashLoop = clock.getAsLong() - state.upSinceNanos < stableAfter.toNanos();
            return crashLoop ? delayed(state.failures + 1, state.upSinceNanos) : null;
        });
    }

    void forget(String name) {
        states.remove(name);
    }

    private State delayed(int failures, long upSince) {
        long delay = Math.min(max.toNanos(), base.toNanos() << Math.min(failures - 1, 20));
        return new State(failures, clock.getAsLong() + delay, upSince);
    }
}
