package lb.balancer.membership;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import lb.balancer.membership.Member.Health;
import lb.balancer.membership.PoolException.Reason;
import lb.balancer.replica.Replica;
import lb.balancer.replica.ReplicaProfile;
import lb.balancer.replica.ReplicaSpec;
import lb.balancer.routing.Pick;
import lb.balancer.routing.Picker;
import lb.balancer.routing.RoutingStrategy;
import lb.balancer.routing.Targeting;
import lb.balancer.runtime.Adoption;
import lb.balancer.runtime.ReplicaRuntime;
import lb.balancer.runtime.ReplicaStartException;
import lb.balancer.runtime.RuntimeUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool of replicas: what {@code /rep} lists, what the picker routes over, and the runtime that runs them.
 *
 * <p>Membership changes ({@link #add}, {@link #remove}, start-up, replacing dead replicas) are serialized by one
 * lock and are all-or-nothing: when a call returns, the replica list and the runtime agree, and a refused or failed
 * change leaves both as they were. Health transitions ({@link #markSuspect}, {@link #markDown}) never wait for that
 * lock: they take a short one that only guards the member list, so they act at once even while a container starts.
 * Reads never lock: {@link #names()} reads an immutable list, and the data path reads the current {@link Picker}
 * from an {@link AtomicReference} replaced whenever membership, health or the strategy changes.
 *
 * <p>Dead replicas are replaced by a background healer with the same spec (name, id: the ring does not move), with
 * a backoff when a replacement keeps failing. A replica removed by {@link #remove} is never brought back.
 */
public final class ReplicaPool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicaPool.class);
    /** How long an admin call waits for the runtime's answer about names. */
    private static final Supplier<lb.balancer.runtime.Deadline> ADMIN_DEADLINE =
            () -> lb.balancer.runtime.Deadline.in(Duration.ofSeconds(5));
    private static final Picker EMPTY = request -> new Pick.NoReplica("No replicas available");

    private final ReplicaRuntime runtime;
    private final int capacity;
    private final AtomicReference<RoutingStrategy> strategy;
    private final AtomicReference<Picker> picker = new AtomicReference<>(EMPTY);
    /** Serializes membership changes (may be held while replicas start). */
    private final ReentrantLock changes = new ReentrantLock();
    /** Guards writes of {@link #members} and the publication of pickers; held for microseconds only. */
    private final Object state = new Object();
    private final RestartBackoff backoff;
    private final ScheduledExecutorService healer;
    private final List<Consumer<Replica>> leaveListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** In the order replicas were added; a replacement keeps its place. */
    private volatile List<Member> members = List.of();

    public ReplicaPool(ReplicaRuntime runtime, RoutingStrategy strategy, int capacity) {
        this(runtime, strategy, capacity, Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    /** @param backoffBase wait after the first failed replacement; doubles per failure up to {@code backoffMax} */
    public ReplicaPool(ReplicaRuntime runtime, RoutingStrategy strategy, int capacity, Duration backoffBase,
            Duration backoffMax) {
        this.runtime = runtime;
        this.strategy = new AtomicReference<>(strategy);
        this.capacity = capacity;
        this.backoff = new RestartBackoff(backoffBase, backoffMax, Duration.ofSeconds(10), System::nanoTime);
        this.healer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "healer");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Adopts what the runtime already runs and restarts what died meanwhile; a fresh start (nothing to adopt) starts
     * {@code target} replicas. An adopted pool is not filled up to {@code target}: it is what {@code /add} and
     * {@code /rm} made it before the restart, and a removed replica must not come back.
     */
    public void bootstrap(int target) throws PoolException {
        runtime.watchDeaths(this::markDown); // a runtime that sees a replica die says so at once
        changes.lock();
        try {
            Adoption adoption = call(runtime::adopt);
            List<Member> adopted = new ArrayList<>();
            adoption.running().forEach(r -> adopted.add(Member.up(r.replica(), r.spec())));
            adoption.dead().forEach(spec -> adopted.add(new Member(spec, null, Health.DOWN)));
            adopted.sort(Comparator.comparingInt(m -> m.spec().id()));
            if (!adopted.isEmpty()) {
                log.info("adopted {} running replicas {}; {} to start again {}", adoption.running().size(),
                        adoption.running().stream().map(r -> r.spec().name()).toList(), adoption.dead().size(),
                        adoption.dead().stream().map(ReplicaSpec::name).toList());
            }
            update(current -> adopted);
            if (adopted.isEmpty() && target > 0 && runtime.canSpawn()) {
                addLocked(target, List.of(), ReplicaProfile.DEFAULT,
                        call(() -> runtime.namesHeldElsewhere(ADMIN_DEADLINE.get())));
            }
        } finally {
            changes.unlock();
        }
        if (members.stream().anyMatch(m -> m.health() == Health.DOWN)) {
            healer.execute(this::healOnce);
        }
    }

    /** Replica names in the order they were added (including any being replaced right now). */
    public List<String> names() {
        return members.stream().map(Member::name).toList();
    }

    /**
     * The replicas taking traffic now (immutable): the healthy ones. When none is healthy but some are only suspected,
     * those: a suspicion can be wrong (a starved balancer sees heartbeats time out), and a replica that may answer
     * beats a certain 503 (Envoy calls this panic routing). Only when every replica is dead is the ring empty.
     */
    public List<Replica> replicas() {
        List<Replica> up = inHealth(Health.UP);
        return up.isEmpty() ? inHealth(Health.SUSPECT) : up;
    }

    /** How many replicas are healthy (in the ring, not merely suspected). */
    public int healthyCount() {
        return inHealth(Health.UP).size();
    }

    private List<Replica> inHealth(Health health) {
        return members.stream().filter(m -> m.health() == health).map(Member::replica).toList();
    }

    /** The instances health checking should probe: in the ring, or suspected and waiting to be cleared. */
    public List<Replica> watched() {
        return members.stream().filter(m -> m.health() != Health.DOWN).map(Member::replica).toList();
    }

    /** Booted spares ready to replace a dead replica at once (see {@code LB_SPARES}). */
    public int readySpares() {
        return runtime.readySpares();
    }

    /**
     * Every member with its health, in {@code /rep} order, for {@code GET /status}: {@code name}, {@code id},
     * {@code health} ({@code up}, {@code suspect}, {@code down}), {@code address} (absent while there is no
     * instance), {@code region}, the experiment {@code settings} it was started with (when any), and for a running
     * instance what {@code measured} adds (e.g. what the data path saw).
     */
    public List<Map<String, Object>> status(Function<Replica, Map<String, Object>> measured) {
        return members.stream().map(m -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", m.name());
            row.put("id", m.spec().id());
            row.put("health", m.health().name().toLowerCase(Locale.ROOT));
            if (m.replica() != null) {
                row.put("address", m.replica().host() + ":" + m.replica().port());
            }
            row.put("region", m.spec().region());
            if (!m.spec().env().isEmpty()) {
                row.put("settings", new java.util.TreeMap<>(m.spec().env()));
            }
            if (m.replica() != null) {
                row.putAll(measured.apply(m.replica()));
            }
            return row;
        }).toList();
    }

    /** How the data path reads the current picker: never blocks. */
    public Supplier<Picker> pickers() {
        return picker::get;
    }

    public RoutingStrategy strategy() {
        return strategy.get();
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

    /** Routes with {@code next} from now on; in-flight requests finish with the picker they had. */
    public void useStrategy(RoutingStrategy next) {
        synchronized (state) {
            strategy.set(next);
            publish();
        }
    }

    // ---------------------------------------------------------------- health transitions (fast, never wait)

    /** Takes {@code instance} out of the ring until {@link #clearSuspect} (a failed heartbeat or forward). */
    public void markSuspect(Replica instance) {
        if (transition(instance, Health.UP, Health.SUSPECT)) {
            log.warn("{} is suspect: out of the ring until a heartbeat answers", instance.name());
        }
    }

    /** Puts a suspected instance back into the ring (its heartbeat answered again). */
    public void clearSuspect(Replica instance) {
        if (transition(instance, Health.SUSPECT, Health.UP)) {
            log.info("{} answers again: back in the ring", instance.name());
        }
    }

    /** Declares {@code instance} dead: out of the ring, and replaced with the same name and id. */
    public void markDown(Replica instance) {
        boolean changed = transition(instance, Health.UP, Health.DOWN) || transition(instance, Health.SUSPECT, Health.DOWN);
        if (changed) {
            log.warn("{} is dead: replacing it", instance.name());
            backoff.died(instance.name());
            left(instance);
            healer.execute(this::healOnce);
        }
    }

    private boolean transition(Replica instance, Health from, Health to) {
        boolean[] changed = {false};
        update(current -> current.stream().map(m -> {
            if (m.runs(instance) && m.health() == from) {
                changed[0] = true;
                return m.with(to);
            }
            return m;
        }).toList());
        return changed[0];
    }

    // ---------------------------------------------------------------- membership changes (serialized)

    /**
     * Starts {@code n} replicas, the first ones named {@code hostnames} (valid, distinct names; at most {@code n}),
     * the rest with generated names. All start, or none is kept.
     */
    public List<String> add(int n, List<String> hostnames) throws PoolException {
        return add(n, hostnames, ReplicaProfile.DEFAULT);
    }

    /** As {@link #add(int, List)}, the new replicas started with {@code profile} (region, simulated latency). */
    public List<String> add(int n, List<String> hostnames, ReplicaProfile profile) throws PoolException {
        changes.lock();
        try {
            requireReachableSpawningRuntime();
            if (members.size() + n > capacity) {
                throw new PoolException(Reason.INVALID, "Cannot add " + n + " replicas to " + members.size()
                        + ": at most " + capacity + " fit the ring");
            }
            Identities identities = new Identities(specs());
            for (String name : hostnames) {
                if (identities.nameInUse(name)) {
                    throw new PoolException(Reason.CONFLICT, "Hostname '" + name + "' is already in use");
                }
            }
            // Checked before anything is started or a spare spent: a name another container holds is refused.
            Set<String> heldElsewhere = call(() -> runtime.namesHeldElsewhere(ADMIN_DEADLINE.get()));
            Identities held = new Identities(List.of()).reserve(heldElsewhere);
            for (String name : hostnames) {
                if (held.nameInUse(name)) {
                    throw new PoolException(Reason.CONFLICT, "Hostname '" + name
                            + "' is held by a container that is not a replica of this pool");
                }
            }
            addLocked(n, hostnames, profile, heldElsewhere);
            return names();
        } finally {
            changes.unlock();
        }
    }

    /**
     * Removes {@code n} replicas: the ones named {@code hostnames}, then the most recently added of the rest (the
     * servers placed last on the ring, whose removal moves only their own keys).
     */
    public List<String> remove(int n, List<String> hostnames) throws PoolException {
        changes.lock();
        try {
            requireReachableSpawningRuntime();
            List<Member> current = members;
            if (n > current.size()) {
                throw new PoolException(Reason.INVALID,
                        "Cannot remove " + n + " replicas: only " + current.size() + " exist");
            }
            Set<String> victims = new HashSet<>();
            for (String name : hostnames) {
                Member member = find(current, name);
                if (member == null) {
                    throw new PoolException(Reason.INVALID, "Hostname '" + name + "' is not a replica");
                }
                victims.add(member.name());
            }
            for (int i = current.size() - 1; victims.size() < n; i--) {
                victims.add(current.get(i).name());
            }
            // Out of the ring first, so no new request reaches a replica that is being stopped.
            update(list -> list.stream().filter(m -> !victims.contains(m.name())).toList());
            List<Replica> stopped = current.stream()
                    .filter(m -> victims.contains(m.name()) && m.replica() != null)
                    .map(Member::replica).toList();
            stopAll(stopped);
            stopped.forEach(this::left);
            victims.forEach(backoff::forget);
            log.info("removed {}; pool is now {}", victims, names());
            return names();
        } finally {
            changes.unlock();
        }
    }

    private void addLocked(int n, List<String> hostnames, ReplicaProfile profile, Set<String> heldElsewhere)
            throws PoolException {
        List<ReplicaSpec> specs = new Identities(specs()).reserve(heldElsewhere).allocate(hostnames, n, profile);
        List<Replica> started = startAll(specs);
        List<Member> joined = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            joined.add(Member.up(started.get(i), specs.get(i)));
        }
        update(current -> {
            List<Member> next = new ArrayList<>(current);
            next.addAll(joined);
            return next;
        });
        log.info("added {}; pool is now {}", specs.stream().map(ReplicaSpec::name).toList(), names());
    }

    // ---------------------------------------------------------------- healing

    /** Replaces every dead member whose backoff has passed; schedules itself again for the ones still waiting. */
    private void healOnce() {
        changes.lock();
        try {
            List<Member> due = new ArrayList<>();
            long nextWait = Long.MAX_VALUE;
            for (Member member : members) {
                if (member.health() == Health.DOWN) {
                    long wait = backoff.waitNanos(member.name());
                    if (wait == 0) {
                        due.add(member);
                    } else {
                        nextWait = Math.min(nextWait, wait);
                    }
                }
            }
            if (!due.isEmpty()) {
                replace(due);
                nextWait = members.stream().filter(m -> m.health() == Health.DOWN)
                        .mapToLong(m -> backoff.waitNanos(m.name())).min().orElse(Long.MAX_VALUE);
            }
            if (nextWait != Long.MAX_VALUE) {
                healer.schedule(this::healOnce, Math.max(nextWait, 1), TimeUnit.NANOSECONDS);
            }
        } catch (RuntimeException e) {
            log.error("healing failed; retrying in 1 s", e);
            healer.schedule(this::healOnce, 1, TimeUnit.SECONDS);
        } finally {
            changes.unlock();
        }
    }

    /** Starts a new instance for each dead member, in parallel; each that comes up takes its member's place. */
    private void replace(List<Member> dead) {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Member member : dead) {
                executor.submit(() -> {
                    replaceOne(member);
                    return null;
                });
            }
        }
    }

    private void replaceOne(Member member) {
        String name = member.name();
        long began = System.nanoTime();
        try {
            if (member.replica() != null) {
                runtime.discard(member.replica()); // the dead container holds the name
            }
            Replica fresh = runtime.start(member.spec());
            backoff.started(name);
            update(current -> current.stream()
                    .map(m -> m.name().equals(name) && m.health() == Health.DOWN ? Member.up(fresh, m.spec()) : m)
                    .toList());
            log.info("replaced {} in {} ms", name, (System.nanoTime() - began) / 1_000_000);
        } catch (Exception e) {
            backoff.startFailed(name);
            log.error("replacing {} failed (next try in {} ms): {}", name,
                    backoff.waitNanos(name) / 1_000_000, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Applies {@code change} to the member list and publishes a new picker, atomically with other updates. */
    private void update(java.util.function.UnaryOperator<List<Member>> change) {
        synchronized (state) {
            members = List.copyOf(change.apply(members));
            publish();
        }
    }

    private void publish() {
        picker.set(Targeting.over(strategy.get(), replicas(), specs()));
    }

    /** Starts all specs in parallel; if any fails, stops the ones that came up and reports every failure. */
    private List<Replica> startAll(List<ReplicaSpec> specs) throws PoolException {
        List<Replica> started = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        boolean unavailable = false;
        boolean conflict = false;
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Replica>> futures = specs.stream().map(spec -> executor.submit(() -> runtime.start(spec))).toList();
            for (Future<Replica> future : futures) {
                try {
                    started.add(future.get());
                } catch (ExecutionException e) {
                    unavailable |= e.getCause() instanceof RuntimeUnavailableException;
                    conflict |= e.getCause() instanceof ReplicaStartException start
                            && start.kind() == ReplicaStartException.Kind.NAME_CONFLICT;
                    failures.add(e.getCause().getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failures.add("interrupted");
                }
            }
        }
        if (failures.isEmpty()) {
            return started;
        }
        log.warn("starting {} failed: {}", specs.stream().map(ReplicaSpec::name).toList(), failures);
        stopAll(started);
        throw new PoolException(unavailable ? Reason.UNAVAILABLE : conflict ? Reason.CONFLICT : Reason.START_FAILED,
                String.join("; ", failures));
    }

    private void stopAll(List<Replica> victims) {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Replica victim : victims) {
                executor.submit(() -> {
                    try {
                        runtime.stop(victim);
                    } catch (RuntimeUnavailableException | RuntimeException e) {
                        log.error("could not stop {}: {}", victim.name(), e.getMessage());
                    }
                    return null;
                });
            }
        }
    }

    private static Member find(List<Member> list, String name) {
        String key = Identities.key(name);
        return list.stream().filter(m -> Identities.key(m.name()).equals(key)).findFirst().orElse(null);
    }

    private List<ReplicaSpec> specs() {
        return members.stream().map(Member::spec).toList();
    }

    private void requireReachableSpawningRuntime() throws PoolException {
        if (!runtime.canSpawn()) {
            throw new PoolException(Reason.NOT_SUPPORTED,
                    "This balancer fronts fixed backends (LB_RUNTIME=static) and cannot add or remove replicas");
        }
        call(() -> {
            runtime.checkAvailable();
            return null;
        });
    }

    private static <T> T call(RuntimeCall<T> action) throws PoolException {
        try {
            return action.run();
        } catch (RuntimeUnavailableException e) {
            throw new PoolException(Reason.UNAVAILABLE, e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface RuntimeCall<T> {
        T run() throws RuntimeUnavailableException;
    }

    /** Stops healing and closes the runtime (which decides whether its replicas outlive the balancer). */
    @Override
    public void close() {
        healer.shutdownNow();
        runtime.close();
    }
}
