package lb.balancer.runtime;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import lb.balancer.config.BalancerConfig.DockerSettings;
import lb.balancer.replica.Replica;
import lb.balancer.replica.ReplicaSpec;
import lb.balancer.runtime.PoolContainers.Event;
import lb.balancer.runtime.PoolContainers.Listed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicas as Docker containers on the pool's bridge network, reached at their network address on port 5000. That
 * address works both when the balancer runs in a container on the same network (docker-compose) and when it runs
 * on a Linux host, whose bridge networks are routable from the host.
 *
 * <p>With {@code LB_SPARES} above 0 a start first claims a booted {@link WarmSpares spare}, which is what makes a
 * replacement fast; only without a ready spare does it create a container and wait for its JVM.
 *
 * <p>Rules that keep the pool's record (which lives in Docker, see {@link AdoptionPlan}) true at every instant:
 * <ul>
 *   <li>Only containers with this pool's labels are ever renamed, stopped or removed, never one found by name alone:
 *       a name held by another container is a {@link ReplicaStartException.Kind#NAME_CONFLICT}, checked before a
 *       spare is spent.</li>
 *   <li>Every Docker call has a deadline ({@link DockerCalls}); one that times out is undone if it completes late.</li>
 *   <li>A dead replica's container is renamed {@code <name>-dead-<id>} and kept until its replacement runs; a removed
 *       one is renamed {@code <name>-removed-<id>} before it is stopped.</li>
 *   <li>A graceful stop of the balancer (SIGTERM: {@code docker stop}, {@code docker-compose down}) removes every
 *       container of the pool, after recording the pool in {@link PoolRecord}; a balancer killed or crashed leaves
 *       them running, and its next start adopts them.</li>
 * </ul>
 */
public final class DockerRuntime implements BoundedRuntime {

    private static final Logger log = LoggerFactory.getLogger(DockerRuntime.class);
    private static final int LOG_LINES = 20;
    /** Calls made without a deadline of the caller's (adoption, background cleanup). */
    /** A daemon that answers pongs in milliseconds; one that has not after this is hung or gone. */
    private static final Duration PING_DEADLINE = Duration.ofSeconds(2);
    /** Background removals wait for a hung daemon this long. */
    private static final Duration CLEANUP_DEADLINE = Duration.ofMinutes(5);
    /** Reading a dead container's forensics delays the death notice by at most this. */
    private static final Duration FORENSICS_DEADLINE = Duration.ofMillis(500);
    /** A graceful stop removes the pool within this (docker-compose waits 10 s by default, the file says 30). */
    private static final Duration TEARDOWN_DEADLINE = Duration.ofSeconds(20);

    /** A replica this runtime runs. */
    private record Tracked(String containerId, Replica replica, ReplicaSpec spec) {}

    private final PoolContainers containers;
    private final DockerCalls calls = new DockerCalls();
    private final ContainerChecks checks;
    private final String serverImage;
    private final ReadinessProbe readiness;
    private final WarmSpares spares;
    private final PoolRecord record;
    /** By replica name (lower case). */
    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
    /** The replica each running container serves as, so a container's death names the instance that died. */
    private final Map<String, Tracked> byContainer = new ConcurrentHashMap<>();
    /** Containers of dead replicas, by replica name (lower case), kept until the replacement runs. */
    private final Map<String, List<String>> remains = new ConcurrentHashMap<>();
    /**
     * Every replica the pool wants (started, being replaced, adopted, to start again), by name (lower case): what a
     * graceful stop records. A replica leaves it when stopped, or when its first start fails.
     */
    private final Map<String, ReplicaSpec> wanted = new ConcurrentHashMap<>();
    /** Containers being stopped on purpose: their exit is not a death. */
    private final Set<String> stopping = ConcurrentHashMap.newKeySet();
    /** Tokens of create calls given up at their deadline: a container they make later is removed. */
    private final Set<String> abandonedCreates = ConcurrentHashMap.newKeySet();
    private final List<Consumer<RecoverySignal>> recoveryListeners = new CopyOnWriteArrayList<>();
    private DockerEventWatch containerEvents;
    private DockerEventWatch imageEvents;

    public DockerRuntime(DockerSettings settings, ReadinessProbe readiness) {
        this(new DockerContainers(settings), settings.serverImage(), settings.spares(), readiness,
                PoolRecord.forPool(settings.pool()));
    }

    /** Over any {@link PoolContainers} (tests stand an in-memory Docker in); {@code record} kept across restarts. */
    DockerRuntime(PoolContainers containers, String serverImage, int spareCount, ReadinessProbe readiness,
            PoolRecord record) {
        this.serverImage = serverImage;
        this.containers = containers;
        this.checks = new ContainerChecks(containers, calls);
        this.readiness = readiness;
        this.record = record;
        this.spares = new WarmSpares(spareCount, containers, calls, readiness);
        spares.onReady(() -> signal(RecoverySignal.SPARE_READY));
        calls.onAnsweringAgain(() -> {
            signal(RecoverySignal.RUNTIME_ANSWERING);
            spares.retryNow();
        });
    }

    @Override
    public String deathWitness() {
        return "docker die event";
    }

    @Override
    public boolean canSpawn() {
        return true;
    }

    @Override
    public void checkAvailable() throws RuntimeUnavailableException {
        checkAvailable(Deadline.in(PING_DEADLINE));
    }

    @Override
    public void checkAvailable(Deadline deadline) throws RuntimeUnavailableException {
        calls.read(deadline, "ping", () -> {
            containers.ping();
            return null;
        });
    }

    /**
     * Names this pool cannot give a new replica: every name Docker holds that is not one of the replicas this
     * runtime runs (other owners' containers, spares, remains).
     */
    @Override
    public Set<String> namesHeldElsewhere(Deadline deadline) throws RuntimeUnavailableException {
        List<Listed> all = calls.read(deadline, "listing containers", containers::listAll);
        Set<String> names = new HashSet<>();
        for (Listed container : all) {
            if (!byContainer.containsKey(container.id())) {
                names.add(container.name());
            }
        }
        return names;
    }

    // ------------------------------------------------------------------------------------------------ adoption

    @Override
    public Adoption adopt() throws RuntimeUnavailableException {
        Deadline deadline = Deadline.in(DEFAULT_DEADLINE);
        List<AdoptionPlan.Found> found = calls.read(deadline, "listing the pool", () -> {
            containers.ensureNetwork();
            List<AdoptionPlan.Found> list = new ArrayList<>();
            for (Listed container : containers.listPool()) {
                list.add(identify(container));
            }
            return list;
        });
        List<ReplicaSpec> recorded = record.read();
        AdoptionPlan plan = AdoptionPlan.of(found, spares.namePrefix(), recorded);
        List<Adoption.Running> running = new ArrayList<>();
        List<ReplicaSpec> dead = new ArrayList<>();
        calls.read(deadline, "adopting the pool", () -> {
            for (AdoptionPlan.RenameAway away : plan.renameAway) {
                containers.rename(away.container().id(), away.newName());
            }
            for (AdoptionPlan.Adopt adopt : plan.adopt) {
                if (adopt.renameTo() != null) {
                    containers.rename(adopt.container().id(), adopt.renameTo());
                    log.info("spare {} was claimed as {} before the balancer stopped; renamed it",
                            adopt.container().name(), adopt.renameTo());
                }
                wanted.put(key(adopt.spec().name()), adopt.spec());
                running.add(new Adoption.Running(adopt.spec(),
                        track(adopt.spec(), adopt.container().id(), adopt.container().address())));
            }
            plan.restart.forEach((spec, leftovers) -> {
                leftovers.forEach(container -> keepRemains(spec.name(), container.id()));
                log.info("replica {} (id {}) has no running container ({}); it will be started again", spec.name(),
                        spec.id(), leftovers.isEmpty() ? "recorded at the last graceful stop"
                                : "remains: " + leftovers.stream().map(AdoptionPlan.Found::name).toList());
                wanted.put(key(spec.name()), spec);
                dead.add(spec);
            });
            for (AdoptionPlan.Found spare : plan.spares) {
                spares.adopt(new WarmSpares.Spare(spare.id(), spare.address()));
            }
            return null;
        });
        for (AdoptionPlan.Found leftover : plan.remove) {
            removeInBackground(leftover.id(), "leftover " + leftover.name());
        }
        record.delete();
        dead.sort(java.util.Comparator.comparingInt(ReplicaSpec::id));
        spares.replenish();
        return new Adoption(running, dead);
    }

    /** What a pool container is: its identity from its labels, or for a spare from its claim record (if any). */
    private AdoptionPlan.Found identify(Listed container) {
        String address = container.running() ? containers.addressOf(container.id()) : null;
        ReplicaSpec spec;
        if (DockerContainers.isSpare(container.labels())) {
            Map<String, String> claim = containers.readClaim(container.id());
            spec = claim == null ? null : ClaimFields.specOf(claim);
        } else {
            spec = containers.specOf(container.id());
        }
        return new AdoptionPlan.Found(container.id(), container.name(), container.running(), address, spec);
    }

    // ------------------------------------------------------------------------------------------------ start

    @Override
    public Replica start(ReplicaSpec spec) throws ReplicaStartException, RuntimeUnavailableException {
        return start(spec, Deadline.in(readiness.deadline().plus(DEFAULT_DEADLINE))).replica();
    }

    @Override
    public Started start(ReplicaSpec spec, Deadline deadline) throws ReplicaStartException, RuntimeUnavailableException {
        boolean replacement = wanted.putIfAbsent(key(spec.name()), spec) != null;
        try {
            return startWanted(spec, deadline);
        } catch (ReplicaStartException | RuntimeUnavailableException | RuntimeException e) {
            if (!replacement) {
                wanted.remove(key(spec.name()), spec); // a new replica that did not come up is not wanted
            }
            throw e;
        }
    }

    private Started startWanted(ReplicaSpec spec, Deadline deadline)
            throws ReplicaStartException, RuntimeUnavailableException {
        long began = System.nanoTime();
        requireNameFree(spec.name(), deadline);
        Optional<WarmSpares.Spare> spare = spares.claim(spec, deadline);
        if (spare.isPresent()) {
            Replica replica = track(spec, spare.get().containerId(), spare.get().address());
            log.info("started {} (id {}) from spare container {} at {} in {} ms (claim and rename)", spec.name(),
                    spec.id(), shortId(spare.get().containerId()), replica.baseUri(), millisSince(began));
            dropRemains(spec.name());
            return new Started(replica, Started.Source.SPARE);
        }
        String token = UUID.randomUUID().toString();
        String containerId;
        try {
            containerId = calls.change(deadline, "creating " + spec.name(), () -> containers.createAndStart(spec, token),
                    late -> removeInBackground(late, "container of " + spec.name() + " created after its deadline"));
        } catch (RuntimeUnavailableException e) {
            abandonedCreates.add(token); // should the create still happen, its event removes the container
            throw e;
        } catch (ConflictException e) {
            throw new ReplicaStartException(ReplicaStartException.Kind.NAME_CONFLICT, "replica " + spec.name()
                    + " failed to start: a container named " + spec.name() + " exists and is not a replica of this pool",
                    e);
        } catch (NotFoundException e) {
            throw new ReplicaStartException(ReplicaStartException.Kind.IMAGE_MISSING, "replica " + spec.name()
                    + " failed to start: image " + serverImage + " not found (is it built? see README)", e);
        } catch (DockerException e) {
            throw new ReplicaStartException("replica " + spec.name() + " failed to start: Docker refused: "
                    + e.getMessage(), e);
        }
        try {
            String address = calls.read(deadline, "inspecting " + spec.name(), () -> checks.addressOf(containerId));
            long running = System.nanoTime();
            Duration wait = deadline.remaining().compareTo(readiness.deadline()) < 0 ? deadline.remaining()
                    : readiness.deadline();
            readiness.awaitReady("http://" + address + ":" + containers.replicaPort(),
                    () -> checks.stillRunning(containerId, "inspecting a new replica"), wait);
            Replica replica = track(spec, containerId, address);
            // Where a start's time goes: Docker creating and starting the container, then the JVM booting.
            log.info("started {} (id {}) as container {} at {} (docker {} ms, boot {} ms)", spec.name(), spec.id(),
                    shortId(containerId), replica.baseUri(), (running - began) / 1_000_000, millisSince(running));
            dropRemains(spec.name());
            return new Started(replica, Started.Source.COLD);
        } catch (ReplicaStartException | RuntimeUnavailableException | RuntimeException e) {
            String why = describeFailure(containerId);
            removeInBackground(containerId, "container of " + spec.name() + " that did not come up");
            if (e instanceof RuntimeUnavailableException unavailable) {
                throw unavailable;
            }
            ReplicaStartException.Kind kind = deadline.expired() ? ReplicaStartException.Kind.TIMED_OUT
                    : ReplicaStartException.Kind.CRASHED;
            throw new ReplicaStartException(kind, "replica " + spec.name() + " failed to start: " + e.getMessage()
                    + why, e);
        }
    }

    /**
     * Refuses a name that a container holds, before anything is spent: one of another owner's (never touched), or a
     * running one of this pool that is not a replica it runs. A stopped container of this pool holding the name is a
     * dead instance's remains: renamed out of the way and kept until the replacement runs.
     */
    private void requireNameFree(String name, Deadline deadline)
            throws ReplicaStartException, RuntimeUnavailableException {
        Optional<Listed> holder = calls.read(deadline, "looking up " + name, () -> containers.byName(name));
        if (holder.isEmpty()) {
            return;
        }
        Listed container = holder.get();
        if (!containers.isOurs(container)) {
            throw new ReplicaStartException(ReplicaStartException.Kind.NAME_CONFLICT, "the name " + name
                    + " is held by container " + shortId(container.id()) + ", which is not a replica of this pool"
                    + " (left untouched)");
        }
        if (container.running() || byContainer.containsKey(container.id())) {
            throw new ReplicaStartException(ReplicaStartException.Kind.NAME_CONFLICT, "the name " + name
                    + " is held by running container " + shortId(container.id()) + " of this pool");
        }
        String deadName = name + AdoptionPlan.DEAD + shortId(container.id());
        calls.change(deadline, "renaming the remains of " + name, () -> {
            containers.rename(container.id(), deadName);
            return null;
        }, late -> {});
        keepRemains(name, container.id());
    }

    /** Records a replica's container (started or adopted), so that its death and its stop find it. */
    private Replica track(ReplicaSpec spec, String containerId, String address) {
        Replica replica = new Replica(spec.name(), spec.id(), address, containers.replicaPort(), spec.region());
        Tracked entry = new Tracked(containerId, replica, spec);
        tracked.put(key(spec.name()), entry);
        byContainer.put(containerId, entry);
        return replica;
    }

    private Tracked forget(Replica replica) {
        Tracked entry = tracked.get(key(replica.name()));
        if (entry == null || !entry.replica().equals(replica)) {
            return null;
        }
        tracked.remove(key(replica.name()), entry);
        byContainer.remove(entry.containerId());
        return entry;
    }

    // ------------------------------------------------------------------------------------------------ stop, discard

    /**
     * Renames the container {@code <name>-removed-<id>} (so a balancer that stops now does not bring it back), stops
     * it, then removes it in the background. If Docker does not answer in time, nothing changed: the container
     * keeps running as the replica, its name is given back, and should the stop still happen when the daemon wakes,
     * its exit is reported as the replica's death (the pool then replaces it).
     */
    @Override
    public void stop(Replica replica, Deadline deadline) throws RuntimeUnavailableException {
        Tracked entry = tracked.get(key(replica.name()));
        if (entry == null || !entry.replica().equals(replica)) {
            dropRemains(replica.name()); // a dead replica removed by /rm: only its remains are left
            wanted.remove(key(replica.name()));
            return;
        }
        String id = entry.containerId();
        String removedName = replica.name() + AdoptionPlan.REMOVED + shortId(id);
        stopping.add(id);
        try {
            calls.change(deadline, "marking " + replica.name() + " for removal", () -> {
                containers.rename(id, removedName);
                return null;
            }, late -> renameBack(id, replica.name()));
            try {
                int grace = (int) Math.max(0, Math.min(DockerContainers.STOP_GRACE_SECONDS,
                        deadline.remaining().toSeconds() - 1));
                calls.read(deadline, "stopping " + replica.name(), () -> {
                    containers.stop(id, grace);
                    return null;
                });
            } catch (RuntimeUnavailableException e) {
                renameBack(id, replica.name());
                throw e;
            }
        } catch (RuntimeUnavailableException | RuntimeException e) {
            stopping.remove(id);
            throw e;
        }
        forget(replica);
        wanted.remove(key(replica.name()));
        stopping.remove(id);
        removeInBackground(id, "container of removed replica " + replica.name());
        dropRemains(replica.name());
        log.info("stopped {} (container {}); removing it", replica.name(), shortId(id));
    }

    private void renameBack(String containerId, String name) {
        Thread.ofVirtual().name("rename-back").start(() -> {
            try {
                calls.read(Deadline.in(CLEANUP_DEADLINE), "renaming " + name + " back", () -> {
                    containers.rename(containerId, name);
                    return null;
                });
            } catch (RuntimeUnavailableException | RuntimeException e) {
                log.warn("could not give container {} its name {} back: {}", shortId(containerId), name, e.getMessage());
            }
        });
    }

    /**
     * Renames the dead container out of the way (a quick call) so the replacement can take the name; the container
     * stays, as the record that the replica exists, until the replacement runs (then it is removed).
     */
    @Override
    public void discard(Replica dead) throws RuntimeUnavailableException {
        Tracked entry = forget(dead);
        if (entry == null) {
            return; // not ours to discard (already discarded, or never tracked): start() checks the name anyway
        }
        String id = entry.containerId();
        String deadName = dead.name() + AdoptionPlan.DEAD + shortId(id);
        try {
            calls.change(Deadline.in(DEFAULT_DEADLINE), "renaming the dead " + dead.name(), () -> {
                containers.rename(id, deadName);
                return null;
            }, late -> {});
        } catch (NotFoundException alreadyGone) {
            return;
        }
        keepRemains(dead.name(), id);
    }

    private void keepRemains(String name, String containerId) {
        remains.computeIfAbsent(key(name), k -> new CopyOnWriteArrayList<>()).add(containerId);
    }

    /** The replica {@code name} runs again (or was removed): its dead containers go. */
    private void dropRemains(String name) {
        List<String> dead = remains.remove(key(name));
        if (dead != null) {
            dead.forEach(id -> removeInBackground(id, "dead container of " + name));
        }
    }

    @Override
    public Death autopsy(Replica dead, Deadline deadline) throws RuntimeUnavailableException {
        Tracked entry = tracked.get(key(dead.name()));
        String id = entry != null && entry.replica().equals(dead) ? entry.containerId() : null;
        if (id == null) {
            return Death.UNKNOWN;
        }
        return calls.read(deadline, "reading how " + dead.name() + " died", () -> containers.deathOf(id, LOG_LINES));
    }

    // ------------------------------------------------------------------------------------------------ events

    @Override
    public int readySpares() {
        return spares.readyCount();
    }

    @Override
    public void watchDeaths(Consumer<Replica> onDeath) {
        watchDeaths((replica, death) -> onDeath.accept(replica));
    }

    @Override
    public synchronized void watchDeaths(DeathListener onDeath) {
        if (containerEvents != null) {
            containerEvents.close();
        }
        containerEvents = new DockerEventWatch("pool", (since, onEnd) -> containers.streamPoolEvents(since,
                List.of("die", "create"), event -> poolEvent(event, onDeath), onEnd)).start();
    }

    private void poolEvent(Event event, DeathListener onDeath) {
        String id = event.subject();
        if (id == null) {
            return;
        }
        if ("create".equals(event.action())) {
            String token = event.attributes().get(DockerContainers.CALL);
            if (token != null && abandonedCreates.remove(token)) {
                removeInBackground(id, "container created by a call given up at its deadline");
            }
            return;
        }
        Tracked died = stopping.contains(id) ? null : byContainer.remove(id);
        if (died == null) {
            spares.died(id);
            return;
        }
        // The forensics first (bounded): the container is kept, so they can be read until it is replaced.
        Thread.ofVirtual().name("death-" + died.replica().name()).start(() -> {
            Death death;
            try {
                death = calls.read(Deadline.in(FORENSICS_DEADLINE), "reading how " + died.replica().name() + " died",
                        () -> containers.deathOf(id, LOG_LINES));
            } catch (RuntimeUnavailableException | RuntimeException e) {
                death = Death.UNKNOWN;
            }
            log.warn("container {} of {} died (Docker event): {}; last log lines: {}", shortId(id),
                    died.replica().name(), death.summary(), death.lastLogLines().isEmpty() ? "(none)"
                            : String.join(" | ", death.lastLogLines().subList(
                                    Math.max(0, death.lastLogLines().size() - 3), death.lastLogLines().size())));
            onDeath.died(died.replica(), death);
        });
    }

    @Override
    public synchronized void watchRecovery(Consumer<RecoverySignal> onSignal) {
        recoveryListeners.add(onSignal);
        if (imageEvents == null) {
            imageEvents = new DockerEventWatch("image", (since, onEnd) -> containers.streamImageEvents(since,
                    event -> {
                        if (isServerImage(event)) {
                            log.info("the replica image {} is available again ({})", serverImage,
                                    event.action());
                            spares.retryNow();
                            signal(RecoverySignal.IMAGE_AVAILABLE);
                        }
                    }, onEnd)).start();
        }
    }

    private boolean isServerImage(Event event) {
        String image = serverImage;
        String withTag = image.contains(":") ? image : image + ":latest";
        String name = event.attributes().get("name");
        return withTag.equals(name) || image.equals(name) || withTag.equals(event.subject())
                || "load".equals(event.action()); // a load event names no tag: check anyway, it is rare
    }

    private void signal(RecoverySignal signal) {
        for (Consumer<RecoverySignal> listener : recoveryListeners) {
            try {
                listener.accept(signal);
            } catch (RuntimeException e) {
                log.warn("recovery listener failed on {}", signal, e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ shutdown

    /**
     * A graceful stop: records the pool, then removes every container of it (replicas, spares, remains), so that
     * {@code docker-compose down} leaves nothing and can remove the network. A restarted balancer starts the recorded
     * pool again (same names, ids and settings). Not reached when the balancer is killed: its replicas keep running
     * and are adopted.
     */
    @Override
    public synchronized void close() {
        spares.close();
        if (containerEvents != null) {
            containerEvents.close();
        }
        if (imageEvents != null) {
            imageEvents.close();
        }
        teardown();
        calls.close();
        containers.close();
    }

    private void teardown() {
        List<ReplicaSpec> pool = wanted.values().stream()
                .sorted(java.util.Comparator.comparingInt(ReplicaSpec::id)).toList();
        record.write(pool);
        Deadline deadline = Deadline.in(TEARDOWN_DEADLINE);
        try {
            List<Listed> ours = calls.read(deadline, "listing the pool", containers::listPool);
            try (var removers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (Listed container : ours) {
                    removers.submit(() -> calls.read(deadline, "removing " + container.name(),
                            () -> {
                                containers.stop(container.id(), 1);
                                containers.remove(container.id());
                                return null;
                            }));
                }
            }
            log.info("graceful stop: removed the pool's {} containers; recorded replicas {} for the next start",
                    ours.size(), pool.stream().map(ReplicaSpec::name).toList());
        } catch (RuntimeUnavailableException | RuntimeException e) {
            log.warn("graceful stop: could not remove the pool's containers ({}); the next start adopts them",
                    e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private void removeInBackground(String containerId, String what) {
        Thread.ofVirtual().name("docker-remove").start(() -> {
            try {
                calls.read(Deadline.in(CLEANUP_DEADLINE), "removing " + what, () -> {
                    containers.remove(containerId);
                    return null;
                });
                log.info("removed {} ({})", what, shortId(containerId));
            } catch (RuntimeUnavailableException | RuntimeException e) {
                log.warn("could not remove {} ({}): {}", what, shortId(containerId), e.getMessage());
            }
        });
    }

    /** Exit code, OOM kill and the last log lines of a container that did not come up. */
    private String describeFailure(String containerId) {
        try {
            Death death = calls.read(Deadline.in(Duration.ofSeconds(3)), "reading a failed start",
                    () -> containers.deathOf(containerId, LOG_LINES));
            return " (" + death.summary() + "); last log lines:\n" + (death.lastLogLines().isEmpty() ? "(none)"
                    : String.join("\n", death.lastLogLines()));
        } catch (RuntimeUnavailableException | RuntimeException e) {
            return " (state unknown: " + e.getMessage() + ")";
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static String shortId(String containerId) {
        return AdoptionPlan.shortId(containerId);
    }
}
