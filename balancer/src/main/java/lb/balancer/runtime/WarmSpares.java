package lb.balancer.runtime;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

    private final int target;
    private final DockerContainers containers;
    private final ReadinessProbe readiness;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CLAIM_TIMEOUT).build();
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

    WarmSpares(int target, DockerContainers containers, ReadinessProbe readiness) {
        this.target = target;
        this.containers = containers;
        this.readiness = readiness;
    }

    /** The name prefix of this pool's unclaimed spares. */
    String namePrefix() {
        return containers.pool() + "-spare-";
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
     * instead. Starts a new spare either way.
     */
    Optional<Spare> claim(ReplicaSpec spec) {
        Spare spare;
        synchronized (this) {
            spare = ready.poll();
        }
        if (spare == null) {
            return Optional.empty();
        }
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                            URI.create(DockerContainers.baseUri(spare.address()) + "/claim"))
                    .timeout(CLAIM_TIMEOUT)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(ClaimFields.encode(spec)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("claim answered " + answer.statusCode() + " " + answer.body());
            }
            // Claimed first, renamed second: if the balancer stops in between, the claim file says what it became.
            containers.rename(spare.containerId(), spec.name());
            return Optional.of(spare);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            removeInBackground(spare.containerId(), "interrupted claim");
            return Optional.empty();
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
        try {
            containerId = containers.createAndStartSpare(name);
            String id = containerId;
            String address = containers.addressOfStarted(id);
            readiness.awaitReady(DockerContainers.baseUri(address), () -> containers.isRunning(id));
            synchronized (this) {
                starting--;
                retryMillis = 0;
                ready.add(new Spare(id, address));
            }
            log.info("spare {} ready as container {} in {} ms", name, shortId(id), (System.nanoTime() - began) / 1_000_000);
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
            removeQuietly(containerId);
            log.info("removed {} {}", what, shortId(containerId));
        });
    }

    private void removeQuietly(String containerId) {
        try {
            containers.remove(containerId);
        } catch (RuntimeException e) {
            log.warn("could not remove spare container {}: {}", shortId(containerId), e.getMessage());
        }
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
