package lb.balancer.membership;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import lb.balancer.runtime.RecoverySignal;

/**
 * When a replica may be started again, per cause. The first replacement is immediate; a replacement that fails, or
 * dies again soon after it came up (a crash loop), doubles the wait, up to a maximum. A replica that stays up for
 * {@code stableAfter} is forgiven. A wait ends early when the runtime signals that its cause may be gone
 * ({@link #wake}): a missing image ends with the image back or a spare ready, an unreachable runtime when it answers.
 * An unreachable runtime is retried every {@code base} at most (each try is one bounded availability check), since
 * the daemon coming back is what ends it and nothing else would notice.
 *
 * <p>Thread-safe.
 */
final class RestartBackoff {

    /** Why a replacement waits; each is woken by its own signals. */
    enum Cause {
        /** The replica exited or never answered, or died soon after it came up: only time helps. */
        CRASH_LOOP,
        /** The replica image is missing. */
        IMAGE_MISSING,
        /** The runtime (Docker daemon) does not answer. */
        RUNTIME_UNREACHABLE,
        /** Anything else (a refused start, a start that timed out). */
        OTHER;

        boolean endedBy(RecoverySignal signal) {
            return switch (this) {
                case CRASH_LOOP -> false;
                case IMAGE_MISSING -> signal == RecoverySignal.IMAGE_AVAILABLE || signal == RecoverySignal.SPARE_READY;
                case RUNTIME_UNREACHABLE -> signal == RecoverySignal.RUNTIME_ANSWERING;
                case OTHER -> signal == RecoverySignal.SPARE_READY || signal == RecoverySignal.RUNTIME_ANSWERING;
            };
        }
    }

    /** A replica's backoff: its last cause, failures in a row, and the earliest next try. */
    record State(Cause cause, int failures, long notBeforeNanos, long upSinceNanos) {}

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

    /** Why {@code name} waits, or null when it does not (or no longer). */
    Cause waitingFor(String name) {
        State state = states.get(name);
        return state == null || waitNanos(name) == 0 ? null : state.cause;
    }

    /** A start of {@code name} failed because of {@code cause}; returns the wait before the next try. */
    Duration startFailed(String name, Cause cause) {
        long now = clock.getAsLong();
        State next = states.compute(name, (key, state) -> delayed(cause, state == null ? 1 : state.failures + 1, 0, now));
        return Duration.ofNanos(next.notBeforeNanos - now);
    }

    /** {@code name} came up. */
    void started(String name) {
        State state = states.get(name);
        int failures = state == null ? 0 : state.failures;
        states.put(name, new State(Cause.CRASH_LOOP, failures, 0, clock.getAsLong()));
    }

    /** {@code name} died: a death soon after a start counts as a failed start. Returns the wait (zero: none). */
    Duration died(String name) {
        long now = clock.getAsLong();
        State next = states.compute(name, (key, state) -> {
            if (state == null) {
                return null;
            }
            boolean crashLoop = now - state.upSinceNanos < stableAfter.toNanos();
            return crashLoop ? delayed(Cause.CRASH_LOOP, state.failures + 1, state.upSinceNanos, now) : null;
        });
        return next == null ? Duration.ZERO : Duration.ofNanos(next.notBeforeNanos - now);
    }

    /** Ends every wait whose cause {@code signal} may have removed; returns whether any ended. */
    boolean wake(RecoverySignal signal) {
        boolean[] woken = {false};
        states.replaceAll((name, state) -> {
            if (state.notBeforeNanos - clock.getAsLong() > 0 && state.cause.endedBy(signal)) {
                woken[0] = true;
                return new State(state.cause, state.failures, clock.getAsLong(), state.upSinceNanos);
            }
            return state;
        });
        return woken[0];
    }

    void forget(String name) {
        states.remove(name);
    }

    private State delayed(Cause cause, int failures, long upSince, long now) {
        long delay = Math.min(max.toNanos(), base.toNanos() << Math.min(failures - 1, 20));
        if (cause == Cause.RUNTIME_UNREACHABLE) {
            delay = Math.min(delay, base.toNanos());
        }
        return new State(cause, failures, now + delay, upSince);
    }
}
