package lb.balancer.runtime;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import lb.balancer.config.BalancerConfig.DockerSettings;
import lb.balancer.replica.Replica;
import lb.balancer.replica.ReplicaSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicas as Docker containers on the pool's bridge network, reached at their network address on port 5000. That
 * address works both when the balancer runs in a container on the same network (docker-compose) and when it runs
 * on a Linux host, whose bridge networks are routable from the host.
 *
 * <p>With {@code LB_SPARES} above 0 a start first claims a booted {@link WarmSpares spare}, which is what makes a
 * replacement fast; only without a ready spare does it create a container and wait for its JVM.
 */
public final class DockerRuntime implements ReplicaRuntime {

    private static final Logger log = LoggerFactory.getLogger(DockerRuntime.class);
    private static final int LOG_LINES = 20;

    private final DockerContainers containers;
    private final DockerSettings settings;
    private final ReadinessProbe readiness;
    /** Container id per replica name, for stop. */
    private final Map<String, String> containerIds = new ConcurrentHashMap<>();
    /** The replica each running container of ours serves as, so a container's death names the instance that died. */
    private final Map<String, Replica> replicasByContainer = new ConcurrentHashMap<>();
    private final WarmSpares spares;
    private DockerDeathWatch deathWatch;

    public DockerRuntime(DockerSettings settings, ReadinessProbe readiness) {
        this.settings = settings;
        this.containers = new DockerContainers(settings);
        this.readiness = readiness;
        this.spares = new WarmSpares(settings.spares(), containers, readiness);
    }

    @Override
    public boolean canSpawn() {
        return true;
    }

    @Override
    public void checkAvailable() throws RuntimeUnavailableException {
        call(() -> {
            containers.ping();
            return null;
        });
    }

    @Override
    public Adoption adopt() throws RuntimeUnavailableException {
        Adoption adoption = call(() -> {
            containers.ensureNetwork();
            List<Container> pool = containers.listPool();
            Set<String> namesInUse = new HashSet<>();
            pool.forEach(container -> namesInUse.add(nameOf(container)));
            List<Adoption.Running> running = new ArrayList<>();
            List<ReplicaSpec> dead = new ArrayList<>();
            for (Container container : pool) {
                InspectContainerResponse inspected = containers.inspect(container.getId());
                String address = containers.addressOf(inspected);
                boolean alive = "running".equals(container.getState()) && address != null;
                ReplicaSpec spec = identify(container, inspected, alive, address, namesInUse);
                if (spec == null) {
                    continue; // a spare, or leftovers that identify removed
                }
                if (alive) {
                    running.add(new Adoption.Running(spec, track(spec, container.getId(), address)));
                } else {
                    log.info("replica {} died while the balancer was away ({}); it will be started again",
                            spec.name(), container.getStatus());
                    containers.remove(container.getId());
                    dead.add(spec);
                }
            }
            // Ids are handed out in the order replicas are added, so this restores the /rep order.
            running.sort(Comparator.comparingInt(r -> r.spec().id()));
            dead.sort(Comparator.comparingInt(ReplicaSpec::id));
            return new Adoption(running, dead);
        });
        spares.replenish();
        return adoption;
    }

    /**
     * Which replica a pool container is, from its labels or, for a claimed spare, its claim file. Returns null for
     * what is not a replica to adopt: an unclaimed spare (handed to {@link WarmSpares}) and leftovers, which are
     * removed: the remains of a replaced replica (see {@link #discard}) and a claimed spare that another container
     * of that name supersedes. A spare claimed just before the balancer stopped, but not yet renamed, is renamed.
     */
    private ReplicaSpec identify(Container container, InspectContainerResponse inspected, boolean alive,
            String address, Set<String> namesInUse) {
        String id = container.getId();
        String name = nameOf(container);
        if (!DockerContainers.isSpare(container.getLabels())) {
            ReplicaSpec spec = containers.specOf(inspected);
            if (spec.name().equals(name)) {
                return spec;
            }
            containers.remove(id); // the remains of a replaced replica, not removed yet
            return null;
        }
        Map<String, String> claim = containers.readClaim(id);
        boolean unclaimedSpareName = name.startsWith(spares.namePrefix());
        if (claim == null) {
            if (alive && unclaimedSpareName) {
                spares.adopt(new WarmSpares.Spare(id, address));
            } else {
                containers.remove(id);
            }
            return null;
        }
        ReplicaSpec spec = ClaimFields.specOf(claim);
        if (spec.name().equals(name)) {
            return spec;
        }
        if (alive && unclaimedSpareName && !namesInUse.contains(spec.name())) {
            containers.rename(id, spec.name());
            namesInUse.add(spec.name());
            log.info("spare {} was claimed as {} before the balancer stopped; renamed it", name, spec.name());
            return spec;
        }
        containers.remove(id);
        return null;
    }

    private static String nameOf(Container container) {
        String[] names = container.getNames();
        return names == null || names.length == 0 ? "" : names[0].substring(names[0].lastIndexOf('/') + 1);
    }

    @Override
    public Replica start(ReplicaSpec spec) throws ReplicaStartException, RuntimeUnavailableException {
        long began = System.nanoTime();
        Optional<WarmSpares.Spare> spare = spares.claim(spec);
        if (spare.isPresent()) {
            Replica replica = track(spec, spare.get().containerId(), spare.get().address());
            log.info("started {} (id {}) from spare container {} at {} in {} ms (claim and rename)", spec.name(),
                    spec.id(), shortId(spare.get().containerId()), replica.baseUri(), millisSince(began));
            return replica;
        }
        String containerId;
        try {
            containerId = call(() -> containers.createAndStart(spec));
        } catch (ConflictException e) {
            throw new ReplicaStartException("replica " + spec.name() + " failed to start: a container named "
                    + spec.name() + " exists and is not a replica of this pool", e);
        } catch (NotFoundException e) {
            throw new ReplicaStartException("replica " + spec.name() + " failed to start: " + e.getMessage()
                    + " (is the image " + settings.serverImage() + " built? see README)", e);
        } catch (DockerException e) {
            throw new ReplicaStartException("replica " + spec.name() + " failed to start: Docker refused: "
                    + e.getMessage(), e);
        }
        try {
            String address = containers.addressOfStarted(containerId);
            long running = System.nanoTime();
            readiness.awaitReady(DockerContainers.baseUri(address), () -> containers.isRunning(containerId));
            Replica replica = track(spec, containerId, address);
            // Where a start's time goes: Docker creating and starting the container, then the JVM booting.
            log.info("started {} (id {}) as container {} at {} (docker {} ms, boot {} ms)", spec.name(), spec.id(),
                    shortId(containerId), replica.baseUri(), (running - began) / 1_000_000, millisSince(running));
            return replica;
        } catch (ReplicaStartException | RuntimeException e) {
            String why = describeFailure(containerId);
            containers.remove(containerId);
            throw new ReplicaStartException("replica " + spec.name() + " failed to start: " + e.getMessage() + why, e);
        }
    }

    /** Records a replica's container (started or adopted), so that its death and its stop find it. */
    private Replica track(ReplicaSpec spec, String containerId, String address) {
        Replica replica = new Replica(spec.name(), spec.id(), address, DockerContainers.REPLICA_PORT, spec.region());
        containerIds.put(spec.name(), containerId);
        replicasByContainer.put(containerId, replica);
        return replica;
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    @Override
    public void stop(Replica replica) throws RuntimeUnavailableException {
        String containerId = forget(replica);
        call(() -> {
            containers.stopAndRemove(containerId != null ? containerId : replica.name());
            return null;
        });
        log.info("stopped and removed {}", replica.name());
    }

    /**
     * Stops tracking {@code replica}'s container; returns its id (null if unknown). Its exit is then not a death to
     * report.
     */
    private String forget(Replica replica) {
        String containerId = containerIds.remove(replica.name());
        if (containerId != null) {
            replicasByContainer.remove(containerId);
        }
        return containerId;
    }

    /**
     * Renames the dead container out of the way (a quick call) and removes it in the background: on a busy machine
     * removing takes half a second that the replacement, which needs the name, should not wait for.
     */
    @Override
    public void discard(Replica dead) throws RuntimeUnavailableException {
        String containerId = forget(dead);
        if (containerId == null) {
            call(() -> {
                containers.stopAndRemove(dead.name()); // not known by id (should not happen): by name, synchronously
                return null;
            });
            return;
        }
        call(() -> {
            try {
                containers.rename(containerId, dead.name() + "-dead-" + shortId(containerId));
            } catch (NotFoundException alreadyGone) {
                return null;
            }
            Thread.ofVirtual().name("remove-" + dead.name()).start(() -> {
                try {
                    containers.remove(containerId);
                    log.info("removed the dead container {} of {}", shortId(containerId), dead.name());
                } catch (RuntimeException e) {
                    log.warn("could not remove the dead container {} of {}: {}", shortId(containerId), dead.name(),
                            e.getMessage());
                }
            });
            return null;
        });
    }

    @Override
    public int readySpares() {
        return spares.readyCount();
    }

    @Override
    public synchronized void watchDeaths(Consumer<Replica> onDeath) {
        if (deathWatch != null) {
            deathWatch.close();
        }
        deathWatch = new DockerDeathWatch(containers, containerId -> {
            Replica died = replicasByContainer.remove(containerId);
            if (died != null) {
                log.warn("container {} of {} died (Docker event)", shortId(containerId), died.name());
                onDeath.accept(died);
            } else {
                spares.died(containerId);
            }
        });
        deathWatch.start();
    }

    @Override
    public synchronized void close() {
        spares.close();
        if (deathWatch != null) {
            deathWatch.close();
        }
        containers.close();
    }

    /** Exit code, OOM kill and the last log lines of a container that did not come up. */
    private String describeFailure(String containerId) {
        StringBuilder why = new StringBuilder();
        try {
            var state = containers.inspect(containerId).getState();
            if (!Boolean.TRUE.equals(state.getRunning())) {
                why.append(" (exit code ").append(state.getExitCodeLong());
                if (Boolean.TRUE.equals(state.getOOMKilled())) {
                    why.append(", OOM-killed");
                }
                why.append(')');
            }
        } catch (RuntimeException e) {
            why.append(" (state unknown: ").append(e.getMessage()).append(')');
        }
        return why.append("; last log lines:\n").append(containers.logTail(containerId, LOG_LINES)).toString();
    }

    /**
     * Runs a Docker call, turning "daemon unreachable" into {@link RuntimeUnavailableException}. Errors the daemon
     * answered with ({@link DockerException}) pass through for the caller to explain.
     */
    private static <T> T call(DockerCall<T> action) throws RuntimeUnavailableException {
        try {
            return action.run();
        } catch (DockerException answered) {
            throw answered;
        } catch (RuntimeException e) {
            throw new RuntimeUnavailableException("Docker daemon unreachable: " + e.getMessage(), e);
        }
    }

    private static String shortId(String containerId) {
        return containerId.substring(0, Math.min(12, containerId.length()));
    }

    @FunctionalInterface
    private interface DockerCall<T> {
        T run();
    }
}
