package lb.balancer.runtime;

import java.time.Duration;

/**
 * When a runtime call must have finished (gRPC's {@code Deadline}): the pool gives one to every call that an admin
 * request or a replacement waits for. A call that cannot finish in time fails with {@link RuntimeUnavailableException}
 * (or {@link ReplicaStartException} of kind {@link ReplicaStartException.Kind#TIMED_OUT}) and leaves nothing behind;
 * the pool also treats a result that arrives after the deadline as never arrived (it undoes it).
 *
 * @param atNanos the {@link System#nanoTime()} value at which the deadline passes
 */
public record Deadline(long atNanos) {

    /** A deadline {@code timeout} from now. */
    public static Deadline in(Duration timeout) {
        return new Deadline(System.nanoTime() + timeout.toNanos());
    }

    /** Time left, never negative. */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, atNanos - System.nanoTime()));
    }

    public boolean expired() {
        return System.nanoTime() - atNanos >= 0;
    }

    /** The earlier of this and {@code other}. */
    public Deadline min(Deadline other) {
        return atNanos - other.atNanos <= 0 ? this : other;
    }
}
