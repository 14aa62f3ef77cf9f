package lb.balancer.membership;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import lb.balancer.membership.PoolException.Reason;
import lb.balancer.replica.Replica;
import lb.balancer.replica.ReplicaProfile;
import lb.balancer.replica.ReplicaSpec;
import lb.balancer.runtime.Deadline;
import lb.balancer.runtime.ReplicaRuntime;
import lb.balancer.runtime.ReplicaRuntime.Started;
import lb.balancer.runtime.ReplicaStartException;
import lb.balancer.runtime.RuntimeUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /add} and {@code /rm}: changes that mean what they say. Each call has a deadline ({@code LB_ADMIN_TIMEOUT_MS})
 * and ends in one of three truths: done; refused, nothing changed; or the runtime unreachable (or too slow), nothing
 * changed. The membership context is held only to check and commit, never across a runtime call, so healing and
 * other calls go on meanwhile.
 *
 * <p>An add first reserves its names and ids (so concurrent adds cannot take the same), starts every replica in
 * parallel, and commits only if all came up before the deadline; otherwise it stops whatever came up, including a
 * start that finishes after the caller got its answer, and keeps the reservation until that is done, so a late start
 * never changes the pool. A remove takes its victims out of the ring, stops them, and commits; a victim whose stop
 * fails or does not finish in time is put back (and, if a late stop gets it after all, replaced like a dead replica).
 */
final class PoolChanges {

    private static final Logger log = LoggerFactory.getLogger(PoolChanges.class);

    private final ReplicaRuntime runtime;
    private final Members members;
    private final MembershipContext context;
    private final PoolJournal journal;
    private final Healer healer;
    private final Consumer<Replica> left;
    private final int capacity;
    /** How long a runtime may take to answer whether it is reachable at all. */
    static final Duration REACHABILITY_BOUND = Duration.ofSeconds(2);

    private final Duration timeout;
    /** Specs of adds in progress (or being undone): their names and ids are taken. Context only. */
    private final Set<ReplicaSpec> reserved = new HashSet<>();

    PoolChanges(ReplicaRuntime runtime, Members members, MembershipContext context, PoolJournal journal,
            Healer healer, Consumer<Replica> left, int capacity, Duration timeout) {
        this.runtime = runtime;
        this.members = members;
        this.context = context;
        this.journal = journal;
        this.healer = healer;
        this.left = left;
        this.capacity = capacity;
        this.timeout = timeout;
    }

    Duration timeout() {
        return timeout;
    }

    List<String> add(int n, List<String> hostnames, ReplicaProfile profile, String cause) throws PoolException {
        return add(n, hostnames, profile, cause, timeout);
    }

    /** An add bounded by {@code bound} instead of the admin bound (the fresh start, which no client waits on). */
    List<String> add(int n, List<String> hostnames, ReplicaProfile profile, String cause, Duration bound)
            throws PoolException {
        Deadline answer = Deadline.in(bound);
        Deadline deadline = Deadline.in(runtimeShare(bound));
        requireSpawning();
        requireReachable(deadline);
        // Names other containers hold: refused (409) before anything starts or a spare is spent, and never generated.
        java.util.Set<String> heldElsewhere;
        try {
            heldElsewhere = runtime.namesHeldElsewhere(deadline);
        } catch (RuntimeUnavailableException e) {
            throw new PoolException(Reason.UNAVAILABLE, e.getMessage() + " (nothing was changed)", e);
        }
        List<ReplicaSpec> specs = context.call(() -> reserve(n, hostnames, profile, heldElsewhere));
        List<CompletableFuture<Started>> starts = specs.stream()
                .map(spec -> RuntimeCalls.async("start-" + spec.name(), () -> runtime.start(spec, deadline)))
                .toList();
        List<Replica> started = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        boolean unavailable = false;
        boolean conflict = false;
        for (int i = 0; i < specs.size(); i++) {
            try {
                started.add(RuntimeCalls.await(starts.get(i), deadline).replica());
            } catch (TimeoutException e) {
                unavailable = true;
                failures.add(specs.get(i).name() + " did not start within " + runtimeShare(bound).toMillis() + " ms");
            } catch (RuntimeUnavailableException e) {
                unavailable = true;
                failures.add(e.getMessage());
            } catch (Exception e) {
                conflict |= e instanceof lb.balancer.runtime.ReplicaStartException start
                        && start.kind() == lb.balancer.runtime.ReplicaStartException.Kind.NAME_CONFLICT;
                failures.add(e.getMessage());
            }
        }
        boolean ok = failures.isEmpty();
        List<String> names = context.call(() -> ok && !deadline.expired() ? commit(specs, started, cause) : null);
        if (names != null) {
            return names;
        }
        try {
            RuntimeCalls.await(undo(specs, starts), answer); // usually quick: then the caller sees it all undone
        } catch (Exception stillUndoing) {
            log.warn("undoing the add of {} goes on in the background", specs.stream().map(ReplicaSpec::name).toList());
        }
        if (failures.isEmpty()) {
            unavailable = true;
            failures.add("the replicas came up after the deadline of " + bound.toMillis() + " ms");
        }
        log.warn("add of {} undone, nothing changed: {}", specs.stream().map(ReplicaSpec::name).toList(), failures);
        throw new PoolException(unavailable ? Reason.UNAVAILABLE : conflict ? Reason.CONFLICT : Reason.START_FAILED,
                String.join("; ", failures) + " (nothing was changed)");
    }

    /** Context: checks the request against the pool and takes names and ids for it. */
    private List<ReplicaSpec> reserve(int n, List<String> hostnames, ReplicaProfile profile,
            java.util.Set<String> heldElsewhere) throws PoolException {
        int size = members.list().size() + reserved.size();
        if (size + n > capacity) {
            throw new PoolException(Reason.INVALID, "Cannot add " + n + " replicas to " + members.list().size()
                    + ": at most " + capacity + " fit the ring");
        }
        List<ReplicaSpec> taken = new ArrayList<>(members.specs());
        taken.addAll(reserved);
        Identities identities = new Identities(taken);
        for (String name : hostnames) {
            if (identities.nameInUse(name)) {
                throw new PoolException(Reason.CONFLICT, "Hostname '" + name + "' is already in use");
            }
        }
        Identities held = new Identities(List.of()).reserve(heldElsewhere);
        for (String name : hostnames) {
            if (held.nameInUse(name)) {
                throw new PoolException(Reason.CONFLICT, "Hostname '" + name
                        + "' is held by a container that is not a replica of this pool");
            }
        }
        List<ReplicaSpec> specs = identities.reserve(heldElsewhere).allocate(hostnames, n, profile);
        reserved.addAll(specs);
        return specs;
    }

    /** Context: the new replicas join. */
    private List<String> commit(List<ReplicaSpec> specs, List<Replica> started, String cause) {
        specs.forEach(reserved::remove);
        List<Member> joined = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            joined.add(Member.up(started.get(i), specs.get(i)));
        }
        members.update(current -> {
            List<Member> next = new ArrayList<>(current);
            next.addAll(joined);
            return next;
        });
        joined.forEach(m -> journal.record(m.name(), m.spec().id(), Transition.JOINED, cause));
        return names();
    }

    /**
     * Stops every replica of an abandoned add, now or when its start finishes; releases the reservation of each once
     * nothing of it can run any more.
     */
    private CompletableFuture<Void> undo(List<ReplicaSpec> specs, List<CompletableFuture<Started>> starts) {
        List<CompletableFuture<Void>> undone = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            ReplicaSpec spec = specs.get(i);
            undone.add(starts.get(i).handle((done, failed) -> done)
                    .thenCompose(done -> done == null ? CompletableFuture.completedFuture(null)
                            : stopUntilGone(done.replica()))
                    .thenRun(() -> context.execute(() -> reserved.remove(spec))));
        }
        return CompletableFuture.allOf(undone.toArray(CompletableFuture[]::new));
    }

    /** Stops an instance that must not run, retrying while the runtime is unreachable (it would leak otherwise). */
    private CompletableFuture<Void> stopUntilGone(Replica instance) {
        return RuntimeCalls.async("undo-" + instance.name(), () -> {
            for (long wait = 500; ; wait = Math.min(wait * 2, 10_000)) {
                try {
                    runtime.stop(instance, runtimeDeadline());
                    log.info("stopped {} of an abandoned change", instance.name());
                    return null;
                } catch (RuntimeUnavailableException | RuntimeException e) {
                    log.warn("could not stop {} of an abandoned change (retrying in {} ms): {}", instance.name(), wait,
                            e.getMessage());
                    Thread.sleep(wait);
                }
            }
        });
    }

    List<String> remove(int n, List<String> hostnames, String cause) throws PoolException {
        Deadline deadline = runtimeDeadline();
        requireSpawning();
        requireReachable(deadline);
        List<Member> victims = context.call(() -> takeOut(n, hostnames));
        List<Member> withInstance = victims.stream().filter(m -> m.replica() != null).toList();
        List<CompletableFuture<Void>> stops = withInstance.stream()
                .map(m -> RuntimeCalls.<Void>async("stop-" + m.name(), () -> {
                    runtime.stop(m.replica(), deadline);
                    return null;
                })).toList();
        List<Member> kept = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < withInstance.size(); i++) {
            Member victim = withInstance.get(i);
            try {
                RuntimeCalls.await(stops.get(i), deadline);
            } catch (TimeoutException e) {
                kept.add(victim);
                failures.add(victim.name() + " did not stop within " + runtimeShare().toMillis() + " ms");
                stops.get(i).whenComplete((done, failed) -> {
                    context.execute(() -> reserved.remove(victim.spec()));
                    if (failed == null) {
                        stoppedLate(victim.replica());
                    }
                });
                continue;
            } catch (Exception e) {
                kept.add(victim);
                failures.add(e.getMessage());
            }
            context.execute(() -> reserved.remove(victim.spec()));
        }
        context.execute(() -> victims.stream().filter(v -> v.replica() == null).forEach(v -> reserved.remove(v.spec())));
        if (!kept.isEmpty()) {
            // All or nothing: the ones that did stop are started again under their names and ids.
            List<Member> stopped = victims.stream().filter(v -> !kept.contains(v)).toList();
            context.run(() -> putBack(victims, kept, stopped));
            log.warn("remove of {} undone: {}", victims.stream().map(Member::name).toList(), failures);
            throw new PoolException(Reason.UNAVAILABLE, String.join("; ", failures) + " (nothing was changed)");
        }
        return context.call(() -> {
            for (Member victim : victims) {
                healer.forget(victim.name());
                journal.record(victim.name(), victim.spec().id(), Transition.REMOVED, cause);
                if (victim.replica() != null) {
                    left.accept(victim.replica());
                }
            }
            return names();
        });
    }

    /** Context: picks the victims (named first, then the most recently added) and takes them out of the ring. */
    private List<Member> takeOut(int n, List<String> hostnames) throws PoolException {
        List<Member> current = members.list();
        if (n > current.size()) {
            throw new PoolException(Reason.INVALID, "Cannot remove " + n + " replicas: only " + current.size() + " exist");
        }
        Set<Member> victims = new LinkedHashSet<>();
        for (String name : hostnames) {
            victims.add(members.named(name).orElseThrow(
                    () -> new PoolException(Reason.INVALID, "Hostname '" + name + "' is not a replica")));
        }
        for (int i = current.size() - 1; victims.size() < n; i--) {
            victims.add(current.get(i));
        }
        // Out of the ring first, so no new request reaches a replica that is being stopped; its name and id stay
        // taken until it is gone (a new container could not take the name before).
        members.update(list -> list.stream().filter(m -> !victims.contains(m)).toList());
        victims.forEach(v -> reserved.add(v.spec()));
        return List.copyOf(victims);
    }

    /**
     * Context: a remove that could not finish puts its victims back in their places; one already stopped is listed
     * as dead, so the healer starts it again with the same name and id.
     */
    private void putBack(List<Member> victims, List<Member> kept, List<Member> stopped) {
        List<Member> restored = new ArrayList<>(members.list());
        for (Member victim : victims) {
            Member back = stopped.contains(victim) ? new Member(victim.spec(), null, Member.Health.DOWN) : victim;
            int at = 0;
            while (at < restored.size() && restored.get(at).spec().id() < victim.spec().id()) {
                at++;
            }
            restored.add(at, back);
        }
        members.update(list -> restored);
        for (Member victim : stopped) {
            journal.record(victim.name(), victim.spec().id(), Transition.DEAD,
                    "stopped by a /rm that could not finish; starting it again");
        }
        if (!stopped.isEmpty()) {
            healer.wake();
        }
    }

    /** A stop that finished after its remove was undone: the replica put back is gone, so it is replaced. */
    private void stoppedLate(Replica instance) {
        context.execute(() -> members.running(instance).ifPresent(m -> healer.declareDead(m,
                "stopped late by a /rm that had timed out", null)));
    }

    /** Runtime calls get two thirds of the bound, so undoing what they did still fits in it. */
    private Deadline runtimeDeadline() {
        return Deadline.in(runtimeShare(timeout));
    }

    private Duration runtimeShare() {
        return runtimeShare(timeout);
    }

    private static Duration runtimeShare(Duration bound) {
        return bound.multipliedBy(2).dividedBy(3);
    }

    private List<String> names() {
        return members.list().stream().map(Member::name).toList();
    }

    private void requireSpawning() throws PoolException {
        if (!runtime.capabilities().spawn()) {
            throw new PoolException(Reason.NOT_SUPPORTED,
                    "This balancer fronts fixed backends (LB_RUNTIME=static) and cannot add or remove replicas");
        }
    }

    /** A bounded availability check: a hung daemon is a 503 within the deadline, before anything is touched. */
    /**
     * A runtime that answers at all answers a ping at once: a hung daemon is told within {@link #REACHABILITY_BOUND},
     * not after the whole share of the admin bound that a start may need.
     */
    private void requireReachable(Deadline deadline) throws PoolException {
        Deadline ping = deadline.min(Deadline.in(REACHABILITY_BOUND));
        try {
            RuntimeCalls.await(RuntimeCalls.<Void>async("check-runtime", () -> {
                runtime.checkAvailable(ping);
                return null;
            }), ping);
        } catch (TimeoutException e) {
            throw new PoolException(Reason.UNAVAILABLE, "The runtime did not answer within "
                    + Math.min(REACHABILITY_BOUND.toMillis(), runtimeShare().toMillis()) + " ms (nothing was changed)", e);
        } catch (RuntimeUnavailableException e) {
            throw new PoolException(Reason.UNAVAILABLE, e.getMessage() + " (nothing was changed)", e);
        } catch (Exception e) {
            throw new PoolException(Reason.UNAVAILABLE, "The runtime check failed: " + e.getMessage(), e);
        }
    }
}
