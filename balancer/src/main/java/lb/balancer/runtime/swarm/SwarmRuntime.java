package lb.balancer.runtime.swarm;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Service;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import lb.balancer.config.BalancerConfig.DockerSettings;
import lb.balancer.replica.Replica;
import lb.balancer.replica.ReplicaSpec;
import lb.balancer.runtime.Adoption;
import lb.balancer.runtime.BoundedRuntime;
import lb.balancer.runtime.Deadline;
import lb.balancer.runtime.Death;
import lb.balancer.runtime.DockerCalls;
import lb.balancer.runtime.DockerConnection;
import lb.balancer.runtime.ReadinessProbe;
import lb.balancer.runtime.RecoveryListeners;
import lb.balancer.runtime.RecoverySignal;
import lb.balancer.runtime.ReplicaLabels;
import lb.balancer.runtime.ReplicaStartException;
import lb.balancer.runtime.ReplicaStartException.Kind;
import lb.balancer.runtime.RuntimeUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicas as Docker Swarm services ({@code LB_RUNTIME=swarm}): one service of one task per replica, named after the
 * replica, on an attachable overlay network ({@code LB_NETWORK}) that the balancer joins too, so it reaches every task
 * at its overlay address, on whichever node Swarm placed it. See {@link ReplicaServiceTemplate} for the service.
 *
 * <h2>One owner of each decision: Swarm owns the tasks, the balancer owns the ring</h2>
 * <ul>
 *   <li>Swarm alone starts and stops a replica's containers once its service exists: a task that dies (killed,
 *       crashed, OOM, its node lost) is replaced by Swarm's restart policy, as a new task with a new container and a
 *       new address, possibly on another node. The balancer never starts a second task nor a container of its own
 *       for a replica; it creates a service on {@code /add} and removes it on {@code /rm}, nothing else.</li>
 *   <li>The balancer decides only who takes traffic. It notices a death by heartbeats, by connections refused while
 *       proxying, and by polling the task list ({@link TaskWatch}; Swarm has no task events): the replica leaves the
 *       ring, and the pool's usual replacement then calls {@link #start} with the same spec, which here means
 *       following Swarm: wait for the service's new task, probe it, and put it in the ring under the same name, id
 *       and ring place, at its new address.</li>
 *   <li>A crash loop is Swarm's too: the balancer does not remove, recreate or force-update a service whose tasks
 *       keep dying; it follows each new task Swarm starts (after the pool's crash-loop backoff, which only delays the
 *       following, never adds a task).</li>
 *   <li>One case Swarm cannot see: a task that still runs in Swarm's view but failed heartbeats long enough to be
 *       declared dead (hung, e.g. paused). Swarm has no health check for it (the replica image has no shell or client
 *       to run one), so when such a task still runs {@link #HUNG_GRACE} after the balancer gave up on it, the
 *       balancer asks Swarm to replace it ({@code docker service update --force}); Swarm's stop-first update swaps
 *       the task, still one task per service.</li>
 * </ul>
 *
 * <p>Every Docker call has a deadline ({@link DockerCalls}); a service created after its caller gave up is removed.
 *
 * <p>Restart: a restarted balancer adopts the pool's labelled services and the tasks they run; a service whose task
 * Swarm is replacing at that moment is followed as a dead replica. Services outlive the balancer, also a graceful
 * stop of it (a rolling update of the balancer must not take the pool down); {@code /rm} or {@code docker service rm}
 * removes them.
 *
 * <p>No warm spares: a replacement waits for Swarm to start a container and for its JVM to boot.
 */
public final class SwarmRuntime implements BoundedRuntime {

    /** How long a task declared dead may still run in Swarm's view before the balancer asks Swarm to replace it. */
    static final Duration HUNG_GRACE = Duration.ofSeconds(3);

    private static final Logger log = LoggerFactory.getLogger(SwarmRuntime.class);
    private static final Duration PING_DEADLINE = Duration.ofSeconds(2);
    /** One listing of tasks: a manager answers in milliseconds. */
    private static final Duration LIST_DEADLINE = Duration.ofSeconds(2);
    /** Reading a dead task's forensics delays the death notice by at most this. */
    private static final Duration FORENSICS_DEADLINE = Duration.ofMillis(500);
    private static final Duration CLEANUP_DEADLINE = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 100;
    private static final int LOG_LINES = 20;

    /** A replica instance and the Swarm task it runs on. */
    private record Serving(Replica replica, String taskId) {}

    /** A task given up on at {@code sinceNanos}; {@code replacementAsked} once Swarm was asked to replace it. */
    private record Abandoned(String name, long sinceNanos, boolean replacementAsked) {}

    private final DockerSettings settings;
    private final SwarmServices services;
    private final DockerCalls calls = new DockerCalls();
    private final ReadinessProbe readiness;
    private final int replicaPort;
    private final Duration hungGrace;
    /** The task each replica instance runs on, by replica name (lower case). */
    private final Map<String, Serving> serving = new ConcurrentHashMap<>();
    /** Every replica whose service this pool keeps, by name (lower case); other services' names are held elsewhere. */
    private final Map<String, ReplicaSpec> wanted = new ConcurrentHashMap<>();
    /** Tasks given up on (dead, or declared dead while Swarm still runs them), never taken as a replica again. */
    private final Map<String, Abandoned> abandoned = new ConcurrentHashMap<>();
    /** Tasks whose service is being removed on purpose: their end is not a death. */
    private final Set<String> stopping = ConcurrentHashMap.newKeySet();
    private final RecoveryListeners recoveryListeners = new RecoveryListeners();
    private volatile DeathListener onDeath = (replica, death) -> {};
    private TaskWatch watch;
    private final Object tickLock = new Object();

    public SwarmRuntime(DockerSettings settings, ReadinessProbe readiness) {
        this(settings, new SwarmServices(settings), readiness, ReplicaLabels.REPLICA_PORT, HUNG_GRACE);
    }

    /**
     * @param replicaPort where tasks answer HTTP: 5000, another port only in unit tests
     * @param hungGrace   {@link #HUNG_GRACE}, shorter only in unit tests
     */
    SwarmRuntime(DockerSettings settings, SwarmServices services, ReadinessProbe readiness, int replicaPort,
            Duration hungGrace) {
        this.settings = settings;
        this.hungGrace = hungGrace;
        this.services = services;
        this.readiness = readiness;
        this.replicaPort = replicaPort;
        calls.onAnsweringAgain(() -> recoveryListeners.signal(RecoverySignal.RUNTIME_ANSWERING));
    }

    /** Deaths reported through {@link #watchDeaths} come from the task list (Swarm has no task events). */
    @Override
    public String deathWitness() {
        return "swarm task list";
    }

    @Override
    public boolean canSpawn() {
        return true;
    }

    @Override
    public void checkAvailable() throws RuntimeUnavailableException {
        checkAvailable(Deadline.in(PING_DEADLINE));
    }

    /** Fails when the daemon does not answer, or answers but is no swarm manager (it could not create services). */
    @Override
    public void checkAvailable(Deadline deadline) throws RuntimeUnavailableException {
        Optional<String> problem = calls.read(deadline, "asking the swarm", () -> {
            services.ping();
            return services.notAManager();
        });
        if (problem.isPresent()) {
            throw new RuntimeUnavailableException("LB_RUNTIME=swarm: " + problem.get(), null);
        }
    }

    /** Every service name of the swarm that is not one of this pool's replicas (services of other owners). */
    @Override
    public Set<String> namesHeldElsewhere(Deadline deadline) throws RuntimeUnavailableException {
        List<Service> all = calls.read(deadline, "listing services", services::listAll);
        Set<String> names = new HashSet<>();
        for (Service service : all) {
            String name = service.getSpec().getName();
            if (!wanted.containsKey(key(name))) {
                names.add(name);
            }
        }
        return names;
    }

    // ------------------------------------------------------------------------------------------------ adoption

    @Override
    public Adoption adopt() throws RuntimeUnavailableException {
        Deadline deadline = Deadline.in(DEFAULT_DEADLINE);
        checkAvailable(deadline);
        Optional<String> networkProblem = calls.read(deadline, "creating network " + settings.network(),
                services::ensureOverlay);
        if (networkProblem.isPresent()) {
            throw new RuntimeUnavailableException("LB_RUNTIME=swarm: " + networkProblem.get(), null);
        }
        List<Service> pool = calls.read(deadline, "listing the pool's services", services::listPool);
        Map<String, ReplicaTask> running = calls.read(deadline, "listing the pool's tasks", services::liveTasks)
                .stream().filter(task -> task.isRunning() && task.address() != null)
                .collect(Collectors.toMap(task -> key(task.hostname()), task -> task, (a, b) -> a));
        List<Adoption.Running> adopted = new ArrayList<>();
        List<ReplicaSpec> following = new ArrayList<>();
        for (Service service : pool) {
            ReplicaSpec spec;
            try {
                spec = SwarmServices.specOf(service);
            } catch (RuntimeException e) {
                log.warn("service {} carries this pool's labels but no replica identity ({}); left alone",
                        service.getSpec().getName(), e.getMessage());
                continue;
            }
            wanted.put(key(spec.name()), spec);
            ReplicaTask task = running.get(key(spec.name()));
            if (task != null) {
                adopted.add(new Adoption.Running(spec, track(spec, task)));
            } else {
                log.info("service {} runs no task right now (Swarm is replacing it); following it", spec.name());
                following.add(spec);
            }
        }
        adopted.sort(Comparator.comparingInt(r -> r.spec().id()));
        following.sort(Comparator.comparingInt(ReplicaSpec::id));
        return new Adoption(adopted, following);
    }

    // ------------------------------------------------------------------------------------------------ start

    @Override
    public Replica start(ReplicaSpec spec) throws ReplicaStartException, RuntimeUnavailableException {
        return start(spec, Deadline.in(readiness.deadline().plus(DEFAULT_DEADLINE))).replica();
    }

    /**
     * Creates the replica's service, or finds it (a replacement: Swarm replaces the task itself), then waits for a
     * running task the balancer has not given up on and for that task to answer {@code /heartbeat}. A service created
     * here is removed again if its task does not come up; an existing one is left to Swarm.
     */
    @Override
    public Started start(ReplicaSpec spec, Deadline deadline) throws ReplicaStartException, RuntimeUnavailableException {
        boolean replacement = wanted.putIfAbsent(key(spec.name()), spec) != null;
        try {
            return new Started(startWanted(spec, deadline), Started.Source.COLD);
        } catch (ReplicaStartException | RuntimeUnavailableException | RuntimeException e) {
            if (!replacement) {
                wanted.remove(key(spec.name()), spec); // a new replica that did not come up is not wanted
            }
            throw e;
        }
    }

    private Replica startWanted(ReplicaSpec spec, Deadline deadline)
            throws ReplicaStartException, RuntimeUnavailableException {
        long began = System.nanoTime();
        String name = spec.name();
        Optional<Service> existing = calls.read(deadline, "looking up service " + name, () -> services.find(name));
        if (existing.isPresent() && !services.isOurs(existing.get())) {
            throw new ReplicaStartException(Kind.NAME_CONFLICT, "replica " + name + " failed to start: a Swarm "
                    + "service named " + name + " exists and is not a replica of this pool (left untouched)");
        }
        boolean created = existing.isEmpty();
        if (created) {
            try {
                calls.change(deadline, "creating service " + name, () -> services.create(spec),
                        late -> removeService(name, "service created after its deadline"));
            } catch (ConflictException e) {
                throw new ReplicaStartException(Kind.NAME_CONFLICT, "replica " + name + " failed to start: a Swarm "
                        + "service named " + name + " was just created by someone else", e);
            } catch (DockerException e) {
                throw new ReplicaStartException("replica " + name + " failed to start: Swarm refused the service: "
                        + e.getMessage(), e);
            }
        }
        try {
            return follow(spec, created, deadline, began);
        } catch (ReplicaStartException | RuntimeUnavailableException | RuntimeException e) {
            String why = describeTasks(name);
            if (created) {
                removeService(name, "service of " + name + " that did not come up");
            }
            if (e instanceof RuntimeUnavailableException unavailable) {
                throw unavailable;
            }
            Kind kind = e instanceof ReplicaStartException start ? start.kind() : Kind.OTHER;
            throw new ReplicaStartException(kind, "replica " + name + " failed to start: " + e.getMessage() + why, e);
        }
    }

    /**
     * Waits for the service's next running task and for it to answer. A task of an existing service that exits
     * before answering is Swarm's to restart: the balancer follows the next one, until the deadline. A new service
     * whose first task exits fails at once (a crash on start, with the forensics in the message).
     */
    private Replica follow(ReplicaSpec spec, boolean created, Deadline deadline, long began)
            throws ReplicaStartException, RuntimeUnavailableException {
        String name = spec.name();
        while (true) {
            ReplicaTask task = awaitRunningTask(name, created, deadline);
            long scheduled = System.nanoTime();
            Duration wait = deadline.remaining().compareTo(readiness.deadline()) < 0 ? deadline.remaining()
                    : readiness.deadline();
            try {
                readiness.awaitReady(baseUri(task.address()), () -> isLive(name, task.id()), wait);
            } catch (ReplicaStartException notReady) {
                abandoned.putIfAbsent(task.id(), new Abandoned(name, System.nanoTime(), false));
                if (created || deadline.expired()) {
                    throw new ReplicaStartException(deadline.expired() ? Kind.TIMED_OUT : Kind.CRASHED,
                            "task " + shortId(task.id()) + " " + notReady.getMessage(), notReady);
                }
                log.info("Swarm's task {} of {} {}; following its next task", shortId(task.id()), name,
                        notReady.getMessage());
                continue;
            }
            Replica replica = track(spec, task);
            // Where a start's time goes: Swarm scheduling and starting the task, then the JVM booting.
            log.info("{} {} (id {}) as task {} on node {} at {} (swarm {} ms, boot {} ms)",
                    created ? "started" : "following Swarm's new task for", name, spec.id(), shortId(task.id()),
                    shortId(task.nodeId()), replica.baseUri(), (scheduled - began) / 1_000_000,
                    (System.nanoTime() - scheduled) / 1_000_000);
            return replica;
        }
    }

    /**
     * Polls the service's tasks for a running one with an overlay address that was not given up on. A new service
     * whose task Swarm rejects (no such image) fails at once: Swarm would only go on rejecting it. A followed service
     * that was removed meanwhile ({@code /rm} during a replacement) fails too.
     */
    private ReplicaTask awaitRunningTask(String name, boolean created, Deadline deadline)
            throws ReplicaStartException, RuntimeUnavailableException {
        for (int round = 0; ; round++) {
            if (deadline.expired()) {
                throw new ReplicaStartException(Kind.TIMED_OUT, "Swarm ran no task for it before the deadline");
            }
            List<ReplicaTask> tasks = calls.read(deadline.min(Deadline.in(LIST_DEADLINE)),
                    "listing the tasks of " + name, () -> services.tasksOf(name));
            Optional<ReplicaTask> running = tasks.stream()
                    .filter(t -> t.hostname().equalsIgnoreCase(name) && t.isRunning() && t.address() != null)
                    .filter(t -> !abandoned.containsKey(t.id()))
                    .findFirst();
            if (running.isPresent()) {
                return running.get();
            }
            if (created) {
                Optional<ReplicaTask> rejected = tasks.stream().filter(t -> "rejected".equals(t.state())).findFirst();
                if (rejected.isPresent()) {
                    boolean noImage = rejected.get().why().contains("No such image");
                    throw new ReplicaStartException(noImage ? Kind.IMAGE_MISSING : Kind.OTHER, "Swarm rejected its "
                            + "task: " + rejected.get().why() + (noImage ? " (is the image " + settings.serverImage()
                            + " on every node? see README)" : ""));
                }
            } else if (round % 20 == 19 && tasks.isEmpty()
                    && calls.read(deadline, "looking up service " + name, () -> services.find(name)).isEmpty()) {
                throw new ReplicaStartException("its service was removed");
            }
            sleep();
        }
    }

    private boolean isLive(String name, String taskId) {
        try {
            return calls.read(Deadline.in(LIST_DEADLINE), "listing the tasks of " + name, () -> services.tasksOf(name))
                    .stream().anyMatch(t -> t.id().equals(taskId) && t.isRunning());
        } catch (RuntimeUnavailableException | RuntimeException e) {
            return true; // cannot tell: let the readiness deadline decide
        }
    }

    private Replica track(ReplicaSpec spec, ReplicaTask task) {
        Replica replica = new Replica(spec.name(), spec.id(), task.address(), replicaPort, spec.region());
        serving.put(key(spec.name()), new Serving(replica, task.id()));
        return replica;
    }

    // ------------------------------------------------------------------------------------------------ stop, discard

    /**
     * Removes the replica's service; Swarm stops its task with the grace period, for in-flight requests. If Docker
     * does not answer in time the replica stays as it was; should the removal still happen, its task's end is then
     * reported as a death (and the pool starts the replica again).
     */
    @Override
    public void stop(Replica replica, Deadline deadline) throws RuntimeUnavailableException {
        String name = replica.name();
        Serving entry = serving.get(key(name));
        boolean current = entry != null && entry.replica().equals(replica);
        if (current) {
            stopping.add(entry.taskId());
        }
        try {
            calls.read(deadline, "removing the service of " + name, () -> {
                services.remove(name);
                return null;
            });
            if (current) {
                serving.remove(key(name), entry);
            }
            wanted.remove(key(name));
        } finally {
            if (current) {
                stopping.remove(entry.taskId());
            }
        }
        log.info("removed the Swarm service of {}", name);
    }

    /**
     * Gives up on the dead instance's task without touching the service: Swarm replaces a dead task itself, and a
     * hung one is handed to Swarm by the task watch after {@link #HUNG_GRACE}.
     */
    @Override
    public void discard(Replica dead) {
        Serving was = serving.get(key(dead.name()));
        if (was != null && was.replica().equals(dead) && serving.remove(key(dead.name()), was)) {
            abandon(was);
        }
    }

    private void abandon(Serving was) {
        abandoned.putIfAbsent(was.taskId(), new Abandoned(was.replica().name(), System.nanoTime(), false));
    }

    @Override
    public Death autopsy(Replica dead, Deadline deadline) throws RuntimeUnavailableException {
        Serving entry = serving.get(key(dead.name()));
        if (entry == null || !entry.replica().equals(dead)) {
            return Death.UNKNOWN; // the task watch saw it die and told its forensics with the death
        }
        return calls.read(deadline, "reading how " + dead.name() + " died", () -> forensics(dead.name(), entry.taskId()));
    }

    private Death forensics(String name, String taskId) {
        return services.tasksOf(name).stream().filter(t -> t.id().equals(taskId)).findFirst()
                .map(task -> services.deathOf(task, LOG_LINES)).orElse(Death.UNKNOWN);
    }

    // ------------------------------------------------------------------------------------------------ watching

    @Override
    public void watchDeaths(Consumer<Replica> onDeath) {
        watchDeaths((replica, death) -> onDeath.accept(replica));
    }

    @Override
    public synchronized void watchDeaths(DeathListener listener) {
        this.onDeath = listener;
        if (watch == null) {
            watch = new TaskWatch(this::checkTasks);
        }
    }

    @Override
    public void watchRecovery(Consumer<RecoverySignal> onSignal) {
        recoveryListeners.add(onSignal);
    }

    /**
     * One look at the live tasks: a replica whose task is gone or no longer running died (Swarm is replacing it); a
     * task given up on that Swarm still runs after {@link #HUNG_GRACE} is handed to Swarm to replace.
     */
    void checkTasks() throws RuntimeUnavailableException {
        synchronized (tickLock) { // one look at a time (the watch's, or a test's)
            checkTasksOnce();
        }
    }

    private void checkTasksOnce() throws RuntimeUnavailableException {
        Map<String, ReplicaTask> live = calls.read(Deadline.in(LIST_DEADLINE), "listing the pool's tasks",
                services::liveTasks).stream().collect(Collectors.toMap(ReplicaTask::id, task -> task, (a, b) -> a));
        for (Serving current : List.copyOf(serving.values())) {
            ReplicaTask task = live.get(current.taskId());
            boolean died = task == null || !task.isRunning();
            if (died && !stopping.contains(current.taskId())
                    && serving.remove(key(current.replica().name()), current)) {
                abandon(current);
                reportDeath(current, task);
            }
        }
        long now = System.nanoTime();
        for (Map.Entry<String, Abandoned> entry : List.copyOf(abandoned.entrySet())) {
            ReplicaTask task = live.get(entry.getKey());
            Abandoned given = entry.getValue();
            if (task == null || !task.isRunning()) {
                abandoned.remove(entry.getKey()); // Swarm is done with it too
            } else if (!given.replacementAsked() && now - given.sinceNanos() >= hungGrace.toNanos()) {
                log.warn("Swarm still runs task {} of {}, which failed its heartbeats {} ms ago: asking Swarm to "
                        + "replace it (service update --force)", shortId(entry.getKey()), given.name(),
                        (now - given.sinceNanos()) / 1_000_000);
                abandoned.put(entry.getKey(), new Abandoned(given.name(), given.sinceNanos(), true));
                calls.read(Deadline.in(LIST_DEADLINE), "asking Swarm to replace " + given.name(), () -> {
                    services.forceNewTask(given.name());
                    return null;
                });
            }
        }
    }

    /** Tells the pool, after reading the forensics (bounded) on a thread of its own: the watch goes on meanwhile. */
    private void reportDeath(Serving dead, ReplicaTask lastSeen) {
        String name = dead.replica().name();
        Thread.ofVirtual().name("death-" + name).start(() -> {
            Death death;
            try {
                death = calls.read(Deadline.in(FORENSICS_DEADLINE), "reading how " + name + " died",
                        () -> forensics(name, dead.taskId()));
            } catch (RuntimeUnavailableException | RuntimeException e) {
                death = Death.UNKNOWN;
            }
            log.warn("task {} of {} {} ({}): Swarm replaces it, the balancer follows", shortId(dead.taskId()), name,
                    lastSeen == null ? "is gone" : "is " + lastSeen.state() + ": " + lastSeen.why(), death.summary());
            onDeath.died(dead.replica(), death);
        });
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** The service's most recent tasks with their states and Swarm's messages, for start-failure messages. */
    private String describeTasks(String name) {
        try {
            List<ReplicaTask> tasks = calls.read(Deadline.in(LIST_DEADLINE), "listing the tasks of " + name,
                    () -> services.tasksOf(name));
            if (tasks.isEmpty()) {
                return "; Swarm reports no task";
            }
            return "; Swarm's tasks: " + tasks.stream().limit(3)
                    .map(t -> shortId(t.id()) + " " + t.state() + (t.why().isEmpty() ? "" : " (" + t.why() + ")"))
                    .collect(Collectors.joining(", "));
        } catch (RuntimeUnavailableException | RuntimeException e) {
            return "; tasks unknown: " + e.getMessage();
        }
    }

    /** Removes a service now (bounded), or in the background if Docker does not answer in time. */
    private void removeService(String name, String what) {
        try {
            calls.read(Deadline.in(CLEANUP_DEADLINE), "removing the " + what, () -> {
                services.remove(name);
                return null;
            });
        } catch (RuntimeUnavailableException | RuntimeException e) {
            log.warn("could not remove the {}: {}; retrying in the background", what, e.getMessage());
            Thread.ofVirtual().name("swarm-remove").start(() -> {
                try {
                    calls.read(Deadline.in(Duration.ofMinutes(5)), "removing the " + what, () -> {
                        services.remove(name);
                        return null;
                    });
                } catch (RuntimeUnavailableException | RuntimeException again) {
                    log.warn("could not remove the {}: {}", what, again.getMessage());
                }
            });
        }
    }

    private static void sleep() throws ReplicaStartException {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReplicaStartException("interrupted while waiting for its Swarm task", e);
        }
    }

    private String baseUri(String address) {
        return "http://" + address + ":" + replicaPort;
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static String shortId(String id) {
        return DockerConnection.shortId(id);
    }

    /** Stops watching; the services stay (see the class comment). */
    @Override
    public synchronized void close() {
        if (watch != null) {
            watch.close();
        }
        calls.close();
        services.close();
    }
}
