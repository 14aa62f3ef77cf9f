package lb.balancer.membership;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import lb.balancer.membership.Member.Health;
import lb.balancer.replica.Replica;
import lb.balancer.replica.ReplicaProfile;
import lb.balancer.replica.ReplicaSpec;
import lb.balancer.routing.Picker;
import lb.balancer.routing.RoutingStrategy;
import lb.balancer.runtime.Adoption;
import lb.balancer.runtime.Death;
import lb.balancer.runtime.ReplicaRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool of replicas: what {@code /rep} lists, what the picker routes over, and the runtime that runs them. A
 * facade over four parts: {@link Members} (the member list and the picker published from it), {@link PoolChanges}
 * ({@code /add}, {@code /rm}), {@link Healer} (replacing the dead) and {@link PoolJournal} (every change with its
 * cause).
 *
 * <p>Threading: every change of membership runs on one {@link MembershipContext}, one at a time, and none of them holds
 * it across a runtime call, so health transitions act at once even while containers start, and healing goes on
 * while an admin call waits for Docker. Reads never wait: {@link #names()} reads an immutable list and the data path
 * reads the current {@link Picker} from an atomic reference.
 */
public final class ReplicaPool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicaPool.class);

    /** How long {@code /add} and {@code /rm} may take (and one replacement attempt), unless configured. */
    public static final Duration DEFAULT_ADMIN_TIMEOUT = Duration.ofSeconds(8);
    /** The share of the pool that failed heartbeats or forwards may take out of the ring, unless configured. */
    public static final int DEFAULT_MAX_EJECTION_PERCENT = 50;

    private final ReplicaRuntime runtime;
    private final MembershipContext context = new MembershipContext();
    private final Members members;
    private final PoolJournal journal = new PoolJournal();
    private final Healer healer;
    private final PoolChanges changes;
    private final List<Consumer<Replica>> leaveListeners = new CopyOnWriteArrayList<>();
    private final int maxEjectionPercent;
    /** Members kept in the ring by the ejection limit, so the limit is journaled once per episode. Context only. */
    private final java.util.Set<String> limited = new java.util.HashSet<>();

    public ReplicaPool(ReplicaRuntime runtime, RoutingStrategy strategy, int capacity) {
        this(runtime, strategy, capacity, Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    /** @param backoffBase wait after the first failed replacement; doubles per failure up to {@code backoffMax} */
    public ReplicaPool(ReplicaRuntime runtime, RoutingStrategy strategy, int capacity, Duration backoffBase,
            Duration backoffMax) {
        this(runtime, strategy, capacity, backoffBase, backoffMax, DEFAULT_ADMIN_TIMEOUT, DEFAULT_MAX_EJECTION_PERCENT);
    }

    /**
     * @param adminTimeout       the bound on {@code /add}, {@code /rm} and each replacement attempt
     * @param maxEjectionPercent the share of the pool that health checks may take out of the ring (see
     *                           {@link #markSuspect}); at least one replica always may be
     */
    public ReplicaPool(ReplicaRuntime runtime, RoutingStrategy strategy, int capacity, Duration backoffBase,
            Duration backoffMax, Duration adminTimeout, int maxEjectionPercent) {
        this(runtime, strategy, capacity, backoffBase, backoffMax, adminTimeout, adminTimeout, maxEjectionPercent);
    }

    /**
     * @param adminTimeout       the bound on {@code /add} and {@code /rm}: a client waits for their answer
     * @param replaceTimeout     the bound on one replacement attempt, which no client waits for; at least
     *                           {@code adminTimeout}. The balancer gives it the readiness deadline: a cold boot on a
     *                           busy machine can outlast an admin answer, and an attempt cut short is retried just as
     *                           slowly, so the replica would stay down for as long as the machine stays busy.
     * @param maxEjectionPercent the share of the pool that health checks may take out of the ring (see
     *                           {@link #markSuspect}); at least one replica always may be
     */
    public ReplicaPool(ReplicaRuntime runtime, RoutingStrategy strategy, int capacity, Duration backoffBase,
            Duration backoffMax, Duration adminTimeout, Duration replaceTimeout, int maxEjectionPercent) {
        this.runtime = runtime;
        this.maxEjectionPercent = maxEjectionPercent;
        this.members = new Members(strategy);
        RestartBackoff backoff = new RestartBackoff(backoffBase, backoffMax, Duration.ofSeconds(10), System::nanoTime);
        Duration attemptBound = replaceTimeout.compareTo(adminTimeout) > 0 ? replaceTimeout : adminTimeout;
        this.healer = new Healer(runtime, members, context, journal, backoff, this::left, attemptBound);
        this.changes = new PoolChanges(runtime, members, context, journal, healer, this::left, capacity, adminTimeout);
    }

    /**
     * Adopts what the runtime already runs and restarts what died meanwhile; a fresh start (nothing to adopt) starts
     * {@code target} replicas. An adopted pool is not filled up to {@code target}: it is what {@code /add} and
     * {@code /rm} made it before the restart, and a removed replica must not come back.
     */
    public void bootstrap(int target) throws PoolException {
        bootstrap(target, changes.timeout());
    }

    /**
     * As {@link #bootstrap(int)}, with the fresh start bounded by {@code startupBound} (at least the admin bound): no
     * client waits on it, and cold starts of a whole pool on a busy machine outlast an admin call's few seconds.
     */
    public void bootstrap(int target, Duration startupBound) throws PoolException {
        runtime.watchDeaths(this::died); // a runtime that sees a replica die says so at once
        runtime.watchRecovery(healer::signal);
        Adoption adoption;
        try {
            adoption = runtime.adopt();
        } catch (lb.balancer.runtime.RuntimeUnavailableException e) {
            throw new PoolException(PoolException.Reason.UNAVAILABLE, e.getMessage(), e);
        }
        List<Member> adopted = new ArrayList<>();
        adoption.running().forEach(r -> adopted.add(Member.up(r.replica(), r.spec())));
        adoption.dead().forEach(spec -> adopted.add(new Member(spec, null, Health.DOWN)));
        adopted.sort(Comparator.comparingInt(m -> m.spec().id()));
        context.run(() -> {
            members.update(current -> adopted);
            for (Member m : adopted) {
                boolean dead = m.health() == Health.DOWN;
                journal.record(m.name(), m.spec().id(), dead ? Transition.DEAD : Transition.ADOPTED,
                        dead ? "died while the balancer was away" : "found running at start-up");
                if (dead) {
                    healer.adoptedDead(m);
                }
            }
            healer.wake();
        });
        if (adopted.isEmpty() && target > 0 && runtime.capabilities().spawn()) {
            Duration bound = startupBound.compareTo(changes.timeout()) > 0 ? startupBound : changes.timeout();
            changes.add(target, List.of(), ReplicaProfile.DEFAULT, "fresh start (LB_REPLICAS=" + target + ")", bound);
        }
    }

    /** Replica names in the order they were added (including any being replaced right now). */
    public List<String> names() {
        return members.list().stream().map(Member::name).toList();
    }

    /** Every member with its spec, instance and health, in {@code /rep} order (an immutable snapshot). */
    public List<Member> members() {
        return members.list();
    }

    /** The journal of every change: recent events and each replica's last one. */
    public PoolJournal journal() {
        return journal;
    }

    /** Why {@code name}'s replacement is waiting now, or null when it is not (see {@code /status}). */
    public String blockedBy(String name) {
        return healer.blockedBy(name);
    }

    /**
     * The replicas taking traffic now (immutable): the healthy ones. When none is healthy but some are only suspected,
     * those: a suspicion can be wrong (a starved balancer sees heartbeats time out), and a replica that may answer
     * beats a certain 503 (Envoy calls this panic routing). Only when every replica is dead is the ring empty.
     */
    public List<Replica> replicas() {
        return members.routable();
    }

    /** How many replicas are healthy (in the ring, not merely suspected). */
    public int healthyCount() {
        return members.inHealth(Health.UP).size();
    }

    /**
     * The instances health checking should probe: in the ring, or suspected and waiting to be cleared; and, when the
     * runtime cannot replace them (fixed backends), the dead too, which return when they answer again.
     */
    public List<Replica> watched() {
        boolean probeDead = !runtime.capabilities().replace();
        return members.list().stream().filter(m -> m.replica() != null && (probeDead || m.health() != Health.DOWN))
                .map(Member::replica).toList();
    }

    /** Whether {@code instance} is a member declared dead (and not replaced yet). */
    public boolean isDown(Replica instance) {
        return members.running(instance).map(m -> m.health() == Health.DOWN).orElse(false);
    }

    /** Booted spares ready to replace a dead replica at once (see {@code LB_SPARES}). */
    public int readySpares() {
        return runtime.readySpares();
    }

    /** How the data path reads the current picker: never blocks. */
    public Supplier<Picker> pickers() {
        return members.pickers();
    }

    public RoutingStrategy strategy() {
        return members.strategy();
    }

    /** Routes with {@code next} from now on; in-flight requests finish with the picker they had. */
    public void useStrategy(RoutingStrategy next) {
        context.run(() -> members.useStrategy(next));
    }

    /** Adds a listener told about every replica instance that leaves the ring for good (dead or removed). */
    public void onLeave(Consumer<Replica> listener) {
        leaveListeners.add(listener);
    }

    private void left(Replica instance) {
        for (Consumer<Replica> listener : leaveListeners) {
            try {
                listener.accept(instance);
            } catch (RuntimeException e) {
                log.warn("leave listener failed for {}", instance.name(), e);
            }
        }
    }

    // ---------------------------------------------------------------- health transitions (fast, never wait on I/O)

    /**
     * Takes {@code instance} out of the ring until {@link #clearSuspect} (a failed heartbeat or forward), unless that
     * would put more than {@code maxEjectionPercent} of the pool out at once: then it stays in the ring (a pool that
     * fails all at once is more likely overloaded, or this balancer starved, than dead; Envoy's
     * {@code max_ejection_percent}), and the limit is journaled.
     */
    public void markSuspect(Replica instance, String cause) {
        context.run(() -> members.running(instance).filter(m -> m.health() == Health.UP).ifPresent(m -> {
            if (ejectionLimitReached(m, cause)) {
                return;
            }
            members.replace(m, m.with(Health.SUSPECT));
            journal.record(m.name(), m.spec().id(), Transition.SUSPECT, cause + "; out of the ring until it answers");
        }));
    }

    /** Puts a suspected instance back into the ring (its heartbeat answered again). */
    public void clearSuspect(Replica instance) {
        context.run(() -> {
            members.running(instance).ifPresent(m -> limited.remove(m.name()));
            members.running(instance).filter(m -> m.health() == Health.SUSPECT).ifPresent(m -> {
                members.replace(m, m.with(Health.UP));
                journal.record(m.name(), m.spec().id(), Transition.CLEARED, "a heartbeat answered: back in the ring");
            });
        });
    }

    /** A dead fixed backend answers its heartbeats again ({@code rise}): back in the ring. */
    public void markReturned(Replica instance, String cause) {
        context.run(() -> members.running(instance).filter(m -> m.health() == Health.DOWN).ifPresent(m -> {
            members.replace(m, m.with(Health.UP));
            healer.forget(m.name());
            journal.record(m.name(), m.spec().id(), Transition.RETURNED, cause);
        }));
    }

    /**
     * Declares {@code instance} dead on the health checks' word: out of the ring, and replaced with the same name and
     * id (or, for fixed backends, probed until it returns). Bound by the ejection limit as {@link #markSuspect} is,
     * unless it is out of the ring already.
     */
    public void markDown(Replica instance, String cause) {
        context.run(() -> members.running(instance).filter(m -> m.health() != Health.DOWN).ifPresent(m -> {
            if (m.health() == Health.UP && ejectionLimitReached(m, cause)) {
                return;
            }
            limited.remove(m.name());
            healer.declareDead(m, cause, null);
        }));
    }

    /** A death the runtime saw: never limited (the instance is gone whatever the share). */
    private void died(Replica instance, Death death) {
        context.run(() -> members.running(instance).filter(m -> m.health() != Health.DOWN).ifPresent(m -> {
            limited.remove(m.name());
            healer.declareDead(m, runtime.deathWitness(), death == Death.UNKNOWN ? null : death);
        }));
    }

    /** Context: whether taking {@code m} out would exceed the ejection limit (journaled once per episode). */
    private boolean ejectionLimitReached(Member m, String cause) {
        List<Member> all = members.list();
        long out = all.stream().filter(x -> x.health() != Health.UP).count();
        long allowed = Math.max(1, all.size() * maxEjectionPercent / 100);
        if (out < allowed) {
            return false;
        }
        if (limited.add(m.name())) {
            journal.record(m.name(), m.spec().id(), Transition.EJECTION_LIMITED, cause + "; kept in the ring: " + out
                    + " of " + all.size() + " are out already (LB_MAX_EJECTION_PERCENT=" + maxEjectionPercent + ")");
        }
        return true;
    }

    // ---------------------------------------------------------------- membership changes

    /**
     * Starts {@code n} replicas, the first ones named {@code hostnames} (valid, distinct names; at most {@code n}),
     * the rest with generated names. All start, or none is kept (see {@link PoolChanges} for the deadline).
     */
    public List<String> add(int n, List<String> hostnames) throws PoolException {
        return add(n, hostnames, ReplicaProfile.DEFAULT);
    }

    /** As {@link #add(int, List)}, the new replicas started with {@code profile} (region, simulated latency). */
    public List<String> add(int n, List<String> hostnames, ReplicaProfile profile) throws PoolException {
        return changes.add(n, hostnames, profile, "POST /add");
    }

    /**
     * Removes {@code n} replicas: the ones named {@code hostnames}, then the most recently added of the rest (the
     * servers placed last on the ring, whose removal moves only their own keys).
     */
    public List<String> remove(int n, List<String> hostnames) throws PoolException {
        return changes.remove(n, hostnames, "DELETE /rm");
    }

    /** The bound on {@link #add} and {@link #remove}. */
    public Duration adminTimeout() {
        return changes.timeout();
    }

    /** Stops healing and closes the runtime (which decides whether its replicas outlive the balancer). */
    @Override
    public void close() {
        healer.close();
        context.close();
        runtime.close();
    }
}
