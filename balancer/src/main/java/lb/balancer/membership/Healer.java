package lb.balancer.membership;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import lb.balancer.membership.Member.Health;
import lb.balancer.membership.RestartBackoff.Cause;
import lb.balancer.replica.Replica;
import lb.balancer.runtime.Death;
import lb.balancer.runtime.Deadline;
import lb.balancer.runtime.RecoverySignal;
import lb.balancer.runtime.ReplicaRuntime;
import lb.balancer.runtime.ReplicaRuntime.Started;
import lb.balancer.runtime.ReplicaStartException;
import lb.balancer.runtime.RuntimeUnavailableException;

/**
 * Replaces dead replicas with the same spec (name, id: the ring does not move), one attempt per replica at a time,
 * each bounded by a deadline. A failed attempt backs off per cause ({@link RestartBackoff}); a {@link RecoverySignal}
 * from the runtime (a spare ready, the image back, the daemon answering) ends the waits it can end. Every attempt,
 * wait and result is a {@link PoolEvent}. A runtime that cannot replace (fixed backends) leaves the dead listed; health
 * checks bring them back when they answer again.
 *
 * <p>All methods run on the {@link MembershipContext} (except {@link #signal}); the runtime calls of an attempt run on
 * a virtual thread and post their result back.
 */
final class Healer {

    private final ReplicaRuntime runtime;
    private final Members members;
    private final MembershipContext context;
    private final PoolJournal journal;
    private final RestartBackoff backoff;
    private final Consumer<Replica> left;
    private final Duration attemptTimeout;
    /** Names with an attempt in flight. */
    private final Set<String> replacing = new HashSet<>();
    /** When each dead member left the ring (System.nanoTime), for the outage a replacement ends. */
    private final Map<String, Long> downSince = new HashMap<>();
    private ScheduledFuture<?> timer;
    private volatile boolean closed;

    Healer(ReplicaRuntime runtime, Members members, MembershipContext context, PoolJournal journal,
            RestartBackoff backoff, Consumer<Replica> left, Duration attemptTimeout) {
        this.runtime = runtime;
        this.members = members;
        this.context = context;
        this.journal = journal;
        this.backoff = backoff;
        this.left = left;
        this.attemptTimeout = attemptTimeout;
    }

    /**
     * Declares {@code member} dead (it is UP or SUSPECT, or was just put back without an instance): out of the ring,
     * its death recorded with {@code cause} and {@code death}'s forensics, and its replacement scheduled.
     */
    void declareDead(Member member, String cause, Death death) {
        if (member.health() != Health.DOWN) {
            members.replace(member, member.with(Health.DOWN));
        }
        downSince.put(member.name(), System.nanoTime());
        journal.record(member.name(), member.spec().id(), Transition.DEAD, cause, death, null);
        if (member.replica() != null) {
            left.accept(member.replica());
        }
        Duration wait = backoff.died(member.name());
        if (!wait.isZero()) {
            journal.record(member.name(), member.spec().id(), Transition.BACKOFF,
                    "died again within 10 s of its start (crash loop)", null, wait);
        }
        wake();
    }

    /** A member adopted without an instance (died while the balancer was away). */
    void adoptedDead(Member member) {
        downSince.put(member.name(), System.nanoTime());
    }

    void forget(String name) {
        backoff.forget(name);
        downSince.remove(name);
    }

    /** From a runtime thread: ends the waits {@code signal} can end and tries again at once. */
    void signal(RecoverySignal signal) {
        if (closed) {
            return;
        }
        context.execute(() -> {
            if (backoff.wake(signal)) {
                wake();
            }
        });
    }

    /** Why {@code name}'s replacement waits now (null when it is not waiting). */
    String blockedBy(String name) {
        if (!runtime.capabilities().replace()) {
            return "the runtime cannot replace it: back when its heartbeats answer";
        }
        if (replacing.contains(name)) {
            return null; // an attempt is running (its BACKOFF event says if it is stuck)
        }
        Cause cause = backoff.waitingFor(name);
        return cause == null ? null : cause.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + ", next try in " + backoff.waitNanos(name) / 1_000_000 + " ms";
    }

    /** Starts an attempt for every dead member whose wait is over; schedules itself for the first still waiting. */
    void wake() {
        if (closed || !runtime.capabilities().replace()) {
            return;
        }
        long next = Long.MAX_VALUE;
        for (Member member : members.list()) {
            if (member.health() != Health.DOWN || replacing.contains(member.name())) {
                continue;
            }
            long wait = backoff.waitNanos(member.name());
            if (wait == 0) {
                attempt(member);
            } else {
                next = Math.min(next, wait);
            }
        }
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (next != Long.MAX_VALUE) {
            timer = context.schedule(this::wake, next);
        }
    }

    private void attempt(Member dead) {
        replacing.add(dead.name());
        var call = RuntimeCalls.async("replace-" + dead.name(), () -> {
            Deadline deadline = Deadline.in(attemptTimeout);
            Death death = null;
            Started fresh = null;
            Exception failure = null;
            try {
                if (dead.replica() != null) {
                    death = runtime.autopsy(dead.replica(), deadline);
                    runtime.discard(dead.replica()); // the dead instance holds the name
                }
                fresh = runtime.start(dead.spec(), deadline);
            } catch (Exception e) {
                failure = e;
            }
            Death forensics = death;
            Started result = fresh;
            Exception error = failure;
            context.execute(() -> finish(dead, result, forensics, error));
            return null;
        });
        // A runtime that does not honour the deadline (a hung daemon) keeps the attempt open: say so, and use its
        // result whenever it comes (starting another instance under the same name meanwhile would collide).
        context.schedule(() -> {
            if (!call.isDone()) {
                journal.record(dead.name(), dead.spec().id(), Transition.BACKOFF, "replacement blocked: the runtime has not "
                        + "answered within " + attemptTimeout.toMillis() + " ms; waiting for it", null, null);
            }
        }, attemptTimeout.toNanos() + 1);
    }

    private void finish(Member dead, Started fresh, Death death, Exception failure) {
        replacing.remove(dead.name());
        Member now = members.named(dead.name()).orElse(null);
        if (now != dead) {
            // Removed (or removed and added again) meanwhile: the new instance is nobody's.
            if (fresh != null) {
                RuntimeCalls.async("stop-" + dead.name(), () -> {
                    runtime.stop(fresh.replica(), Deadline.in(attemptTimeout));
                    return null;
                });
            }
            return;
        }
        if (fresh != null) {
            members.replace(dead, Member.up(fresh.replica(), dead.spec()));
            backoff.started(dead.name());
            Long since = downSince.remove(dead.name());
            Duration outage = since == null ? null : Duration.ofNanos(System.nanoTime() - since);
            Death known = death == null || death == Death.UNKNOWN ? null : death;
            journal.record(dead.name(), dead.spec().id(), fresh.source() == Started.Source.SPARE
                    ? Transition.REPLACED_FROM_SPARE : Transition.REPLACED_COLD, "replacing the dead instance", known,
                    outage);
        } else {
            Cause cause = causeOf(failure);
            Duration wait = backoff.startFailed(dead.name(), cause);
            journal.record(dead.name(), dead.spec().id(), Transition.BACKOFF,
                    "replacement failed (" + cause.name().toLowerCase(java.util.Locale.ROOT) + "): "
                            + failure.getMessage(), null, wait);
        }
        wake();
    }

    private static Cause causeOf(Exception failure) {
        if (failure instanceof RuntimeUnavailableException) {
            return Cause.RUNTIME_UNREACHABLE;
        }
        if (failure instanceof ReplicaStartException start) {
            return switch (start.kind()) {
                case CRASHED -> Cause.CRASH_LOOP;
                case IMAGE_MISSING -> Cause.IMAGE_MISSING;
                default -> Cause.OTHER;
            };
        }
        return Cause.OTHER;
    }

    void close() {
        closed = true;
    }
}
