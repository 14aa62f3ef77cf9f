package lb.balancer.membership;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import lb.balancer.membership.PoolException.Reason;
import lb.balancer.routing.Pick;
import lb.balancer.routing.Picker;
import lb.balancer.routing.Replica;
import lb.balancer.routing.RoutingStrategy;
import lb.balancer.runtime.ReplicaRuntime;
import lb.balancer.runtime.RuntimeUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool of replicas: what {@code /rep} lists, what the picker routes over, and the runtime that runs them.
 *
 * <p>Changes ({@link #add}, {@link #remove}, start-up) are serialized by one lock and are all-or-nothing: when the
 * call returns, the replica list and the runtime agree, and a failed change leaves both as they were. Reads never
 * lock: {@link #names()} reads an immutable list and the data path reads the current {@link Picker} from an
 * {@link AtomicReference} that is replaced whenever membership or the strategy changes.
 */
public final class ReplicaPool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReplicaPool.class);
    private static final Picker EMPTY = request -> new Pick.NoReplica("No replicas available");

    private final ReplicaRuntime runtime;
    private final int capacity;
    private final AtomicReference<RoutingStrategy> strategy;
    private final AtomicReference<Picker> picker = new AtomicReference<>(EMPTY);
    private final ReentrantLock changes = new ReentrantLock();
    /** Live replicas in the order they were added (a replacement keeps its place). Written under {@code changes}. */
    private volatile List<Replica> replicas = List.of();

    public ReplicaPool(ReplicaRuntime runtime, RoutingStrategy strategy, int capacity) {
        this.runtime = runtime;
        this.strategy = new AtomicReference<>(strategy);
        this.capacity = capacity;
    }

    /** Adopts what the runtime already runs, then starts replicas until there are {@code target}. */
    public void bootstrap(int target) throws PoolException {
        changes.lock();
        try {
            List<Replica> adopted = call(runtime::adopt);
            if (!adopted.isEmpty()) {
                log.info("adopted {} running replicas: {}", adopted.size(), adopted.stream().map(Replica::name).toList());
            }
            replicas = List.copyOf(adopted);
            publish();
            int missing = target - adopted.size();
            if (missing > 0 && runtime.canSpawn()) {
                addLocked(missing, List.of());
            }
        } finally {
            changes.unlock();
        }
    }

    /** Replica names in the order they were added. */
    public List<String> names() {
        return replicas.stream().map(Replica::name).toList();
    }

    /** The current live replicas (immutable). */
    public List<Replica> replicas() {
        return replicas;
    }

    /** How the data path reads the current picker: never blocks. */
    public Supplier<Picker> pickers() {
        return picker::get;
    }

    public RoutingStrategy strategy() {
        return strategy.get();
    }

    /** Routes with {@code next} from now on; in-flight requests finish with the picker they had. */
    public void useStrategy(RoutingStrategy next) {
        changes.lock();
        try {
            strategy.set(next);
            publish();
        } finally {
            changes.unlock();
        }
    }

    /**
     * Starts {@code n} replicas, the first ones named {@code hostnames} (valid, distinct names; at most {@code n}),
     * the rest with generated names. All start, or none is kept.
     */
    public List<String> add(int n, List<String> hostnames) throws PoolException {
        changes.lock();
        try {
            requireSpawning();
            call(() -> {
                runtime.checkAvailable();
                return null;
            });
            if (replicas.size() + n > capacity) {
                throw new PoolException(Reason.INVALID, "Cannot add " + n + " replicas to " + replicas.size()
                        + ": at most " + capacity + " fit the ring");
            }
            Identities identities = new Identities(specs());
            for (String name : hostnames) {
                if (identities.nameInUse(name)) {
                    throw new PoolException(Reason.CONFLICT, "Hostname '" + name + "' is already in use");
                }
            }
            addLocked(n, hostnames);
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
            requireSpawning();
            call(() -> {
                runtime.checkAvailable();
                return null;
            });
            if (n > replicas.size()) {
                throw new PoolException(Reason.INVALID,
                        "Cannot remove " + n + " replicas: only " + replicas.size() + " exist");
            }
            List<Replica> victims = new ArrayList<>();
            Set<String> named = new HashSet<>();
            for (String name : hostnames) {
                Replica replica = find(name);
                if (replica == null) {
                    throw new PoolException(Reason.INVALID, "Hostname '" + name + "' is not a replica");
                }
                victims.add(replica);
                named.add(replica.name());
            }
            List<Replica> rest = replicas.stream().filter(r -> !named.contains(r.name())).toList();
            for (int i = rest.size() - 1; victims.size() < n; i--) {
                victims.add(rest.get(i));
            }
            List<Replica> kept = replicas.stream().filter(r -> !victims.contains(r)).toList();
            replicas = kept;
            publish(); // out of the ring first, so no new request reaches a replica that is being stopped
            stopAll(victims);
            log.info("removed {}; pool is now {}", victims.stream().map(Replica::name).toList(), names());
            return names();
        } finally {
            changes.unlock();
        }
    }

    private void addLocked(int n, List<String> hostnames) throws PoolException {
        List<ReplicaSpec> specs = new Identities(specs()).allocate(hostnames, n);
        List<Replica> started = startAll(specs);
        List<Replica> next = new ArrayList<>(replicas);
        next.addAll(started);
        replicas = List.copyOf(next);
        publish();
        log.info("added {}; pool is now {}", started.stream().map(Replica::name).toList(), names());
    }

    /** Starts all specs in parallel; if any fails, stops the ones that came up and reports every failure. */
    private List<Replica> startAll(List<ReplicaSpec> specs) throws PoolException {
        List<Replica> started = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        boolean unavailable = false;
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Replica>> futures = specs.stream().map(spec -> executor.submit(() -> runtime.start(spec))).toList();
            for (Future<Replica> future : futures) {
                try {
                    started.add(future.get());
                } catch (ExecutionException e) {
                    unavailable |= e.getCause() instanceof RuntimeUnavailableException;
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
        throw new PoolException(unavailable ? Reason.UNAVAILABLE : Reason.START_FAILED, String.join("; ", failures));
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

    private Replica find(String name) {
        String key = Identities.key(name);
        return replicas.stream().filter(r -> Identities.key(r.name()).equals(key)).findFirst().orElse(null);
    }

    private List<ReplicaSpec> specs() {
        return replicas.stream().map(r -> ReplicaSpec.of(r.name(), r.id())).toList();
    }

    private void requireSpawning() throws PoolException {
        if (!runtime.canSpawn()) {
            throw new PoolException(Reason.NOT_SUPPORTED,
                    "This balancer fronts fixed backends (LB_RUNTIME=static) and cannot add or remove replicas");
        }
    }

    private void publish() {
        picker.set(strategy.get().picker(replicas));
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

    @Override
    public void close() {
        runtime.close();
    }
}
