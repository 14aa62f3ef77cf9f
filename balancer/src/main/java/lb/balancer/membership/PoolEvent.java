package lb.balancer.membership;

import java.time.Duration;
import java.time.Instant;
import lb.balancer.runtime.Death;

/**
 * One change of the pool, with its cause: what {@link PoolJournal} keeps, {@code /status} shows and the log prints
 * (one line each, {@link #line()}).
 *
 * @param at         when it happened
 * @param replica    the replica's name
 * @param id         its ring id
 * @param transition what happened
 * @param cause      why, in words (e.g. {@code "2 heartbeats timed out"}, {@code "POST /add"})
 * @param death      for {@link Transition#DEAD}: the forensics the runtime had; null otherwise
 * @param duration   for {@link Transition#BACKOFF}: how long the replacement waits; for a replacement: how long the
 *                   replica was out of the ring; null otherwise
 */
public record PoolEvent(Instant at, String replica, int id, Transition transition, String cause, Death death,
        Duration duration) {

    /** The log line: {@code Server2 DEAD: container exited (exit 137, OOM-killed)}. */
    public String line() {
        StringBuilder text = new StringBuilder().append(replica).append(' ').append(transition).append(": ")
                .append(cause);
        if (death != null) {
            text.append(" (").append(death.summary()).append(')');
            if (!death.lastLogLines().isEmpty()) {
                text.append("; last log line: ").append(death.lastLogLines().getLast());
            }
        }
        if (duration != null) {
            text.append(transition == Transition.BACKOFF ? "; next try in " : "; out of the ring for ")
                    .append(duration.toMillis()).append(" ms");
        }
        return text.toString();
    }
}
