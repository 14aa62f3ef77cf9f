package lb.balancer.runtime;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import lb.balancer.replica.ReplicaSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Booted spare containers, kept ready to take over from a dead replica. Starting a container and booting its JVM
 * takes 1.5 s on an idle machine and 3-6 s on a busy one; claiming a spare takes one HTTP call and one
 * {@code docker rename}. A claimed spare answers with the dead replica's id, region and knobs and carries its name,
 * so the ring and {@code /rep} look as before. Each claim starts a new spare in the background.
 *
 * <p>Thread-safe. Spare starts that fail are retried with a growing pause (1 s doubling to 60 s), so a missing image
 * or a full disk does not turn into a loop of container starts.
 */
final class WarmSpares implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WarmSpares.class);
    private static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(1);
    private static final long FIRST_RETRY_MILLIS = 1_000;
    private static final long MAX_RETRY_MILLIS = 60_000;

    /** A spare that answers {@code /heartbeat}, waiting to be claimed. */
    record Spare(String containerId, String address) {}

    /** How long a spare's start may take in the background before it is given up (and removed). */
    private static final Duration START_DEADLINE = Duration.ofSeconds(90);

    private final int target;
    private final PoolContainers containers;
    private final DockerCalls calls;
    private final ContainerChecks checks;
    private volatile Runnable onReady = () -> {};
    private final ReadinessProbe readiness;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "spare-retry");
        thread.setDaemon(true);
        return thread;
    });

    // Guarded by this.
    private final Deque<Spare> ready = new ArrayDeque<>();
    private int starting;
    private long retryMillis;
    private long noStartBefore = System.nanoTime();
    private boolean closed;

    WarmSpares(int target, PoolContainers containers, DockerCalls calls, ReadinessProbe readiness) {
        this.target = target;
        this.containers = containers;
        this.calls = calls;
        this.checks = new ContainerChecks(containers, calls);
        this.readiness = readiness;
    }

    /** The name prefix of this pool's unclaimed spares. */
    String namePrefix() {
        return containers.sparePrefix();
    }

    /** Takes a running, unclaimed spare found at start-up; one beyond the target is removed. */
    void adopt(Spare spare) {
        synchronized (this) {
            if (ready.size() < target) {
                ready.add(spare);
                log.info("adopted spare {}", shortId(spare.containerId()));
                return;
            }
        }
        removeInBackground(spare.containerId(), "surplus spare");
    }

    /** {@code listener} runs whenever a spare becomes ready. */
    void onReady(Runnable listener) {
        this.onReady = listener;
    }

    /** Ends a retry pause now (something that can fix the failed starts happened, e.g. the image is back). */
    void retryNow() {
        synchronized (this) {
            retryMillis = 0;
            noStartBefore = System.nanoTime();
        }
        replenish();
    }

    /** Starts spares in the background until {@code target} are ready or starting (unless in a retry pause). */
    synchronized void replenish() {
        if (closed || System.nanoTime() - noStartBefore < 0) {
            return;
        }
        while (ready.size() + starting < target) {
            starting++;
            Thread.ofVirtual().name("spare-start").start(this::startOne);
        }
    }

    /**
     * Turns a ready spare into the replica {@code spec}: claims it (from then on it answers as {@code spec}), then
     * gives it {@code spec}'s name, which the dead replica's container must no longer hold. Empty when no spare is
     * ready, or when the claim or the rename fails (the spare is then removed); the caller starts a container
     * instead. Starts a new spare either way. Throws when Docker did not answer the rename before {@code deadline}:
     * the spare, already claimed, is then removed (once the daemon answers), so nothing of the attempt remains.
     */
    Optional<Spare> claim(ReplicaSpec spec, Deadline deadline) throws RuntimeUnavailableException {
        Spare spare;
        synchronized (this) {
            spare = ready.poll();
        }
        if (spare == null) {
            return Optional.empty();
        }
        try {
            containers.claim(spare.containerId(), spare.address(), spec, min(CLAIM_TIMEOUT, deadline.remaining()));
            // Claimed first, renamed second: if the balancer stops in between, the claim file says what it became.
            calls.change(deadline, "renaming spare " + shortId(spare.containerId()) + " to " + spec.name(), () -> {
                containers.rename(spare.containerId(), spec.name());
                return spare;
            }, late -> removeInBackground(late.containerId(), "spare renamed after its deadline"));
            return Optional.of(spare);
        } catch (InterruptedException e) {
            // Only a shutdown interrupts: the spare may or may not have taken the claim. It is left as it is; a
            // restarted balancer reads its claim record and either adopts it as spec's replica or as a spare.
            Thread.currentThread().interrupt();
            log.info("claim of spare {} as {} interrupted (shutting down); left for the next start to sort out",
                    shortId(spare.containerId()), spec.name());
            return Optional.empty();
        } catch (RuntimeUnavailableException e) {
            removeInBackground(spare.containerId(), "spare whose rename timed out");
            throw e;
        } catch (Exception e) {
            log.warn("spare {} could not become {} ({}); starting a new container instead",
                    shortId(spare.containerId()), spec.name(), e.getMessage());
            removeInBackground(spare.containerId(), "spare that failed its claim");
            return Optional.empty();
        } finally {
            replenish();
        }
    }

    /** A container of the pool died: if it was a ready spare, it is dropped and another started. */
    boolean died(String containerId) {
        boolean wasSpare;
        synchronized (this) {
            wasSpare = ready.removeIf(spare -> spare.containerId().equals(containerId));
        }
        if (wasSpare) {
            log.warn("spare {} died; starting another", shortId(containerId));
            removeInBackground(containerId, "dead spare");
            replenish();
        }
        return wasSpare;
    }

    synchronized int readyCount() {
        return ready.size();
    }

    private void startOne() {
        String name = namePrefix() + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        String containerId = null;
        long began = System.nanoTime();
        Deadline deadline = Deadline.in(START_DEADLINE);
        try {
            String token = java.util.UUID.randomUUID().toString();
            containerId = calls.change(deadline, "starting spare " + name,
                    () -> containers.createAndStartSpare(name, token),
                    late -> removeInBackground(late, "spare started after its deadline"));
            String id = containerId;
            String address = calls.read(deadline, "inspecting spare " + name, () -> checks.addressOf(id));
            readiness.awaitReady(baseUri(address),
                    () -> checks.stillRunning(id, "inspecting a spare"));
            synchronized (this) {
                starting--;
                retryMillis = 0;
                ready.add(new Spare(id, address));
            }
            log.info("spare {} ready as container {} in {} ms", name, shortId(id), (System.nanoTime() - began) / 1_000_000);
            onReady.run();
        } catch (Exception e) {
            if (containerId != null) {
                removeQuietly(containerId);
            }
            long wait;
            synchronized (this) {
                starting--;
                retryMillis = retryMillis == 0 ? FIRST_RETRY_MILLIS : Math.min(2 * retryMillis, MAX_RETRY_MILLIS);
                wait = retryMillis;
                noStartBefore = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait);
            }
            log.warn("could not start a spare (next try in {} ms): {}", wait, e.getMessage());
            retries.schedule(this::replenish, wait, TimeUnit.MILLISECONDS);
        }
    }

    private void removeInBackground(String containerId, String what) {
        Thread.ofVirtual().name("spare-remove").start(() -> {
            if (removeQuietly(containerId)) {
                log.info("removed {} {}", what, shortId(containerId));
            }
        });
    }

    /** Removes a spare container, waiting for a hung daemon as long as a background call may; true if removed. */
    private boolean removeQuietly(String containerId) {
        try {
            calls.read(Deadline.in(START_DEADLINE), "removing spare " + shortId(containerId), () -> {
                containers.remove(containerId);
                return null;
            });
            return true;
        } catch (RuntimeUnavailableException | RuntimeException e) {
            log.warn("could not remove spare container {}: {}", shortId(containerId), e.getMessage());
            return false;
        }
    }

    private String baseUri(String address) {
        return "http://" + address + ":" + containers.replicaPort();
    }

    private static Duration min(Duration a, Duration b) {
        Duration atLeast = b.isNegative() || b.isZero() ? Duration.ofMillis(1) : b;
        return a.compareTo(atLeast) <= 0 ? a : atLeast;
    }

    /** Stops starting spares. Ready spares keep running: a restarted balancer adopts them. */
    @Override
    public synchronized void close() {
        closed = true;
        retries.shutdownNow();
    }

    private static String shortId(String containerId) {
        return containerId.substring(0, Math.min(12, containerId.length()));
    }
}
