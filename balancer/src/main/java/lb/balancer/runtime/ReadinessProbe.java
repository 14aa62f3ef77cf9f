package lb.balancer.runtime;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits until a new replica answers {@code GET /heartbeat} with 200, with a deadline. A replica joins the ring only
 * after this, so no client request reaches a replica that is still starting.
 *
 * <p>Not final: a test over an in-memory Docker, whose containers serve no HTTP, overrides
 * {@link #awaitReady(String, BooleanSupplier, Duration)}.
 */
public class ReadinessProbe {

    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofMillis(500);
    /** Asking whether the replica still runs is a Docker call: not at every poll, which would load the daemon. */
    private static final long LIVENESS_EVERY_NANOS = Duration.ofMillis(500).toNanos();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(ATTEMPT_TIMEOUT).build();
    private final Duration deadline;

    public ReadinessProbe(Duration deadline) {
        this.deadline = deadline;
    }

    /**
     * Polls {@code baseUri/heartbeat} until it answers 200. Stops early when {@code stillAlive} turns false (the
     * process or container exited). Returns normally when ready; throws with the reason otherwise.
     */
    public void awaitReady(String baseUri, BooleanSupplier stillAlive) throws ReplicaStartException {
        awaitReady(baseUri, stillAlive, deadline);
    }

    /** The readiness deadline ({@code LB_READY_TIMEOUT_MS}). */
    public Duration deadline() {
        return deadline;
    }

    /** As {@link #awaitReady(String, BooleanSupplier)}, waiting at most {@code limit}. */
    public void awaitReady(String baseUri, BooleanSupplier stillAlive, Duration limit) throws ReplicaStartException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUri + "/heartbeat")).timeout(ATTEMPT_TIMEOUT).build();
        long end = System.nanoTime() + limit.toNanos();
        long nextLivenessCheck = System.nanoTime() + LIVENESS_EVERY_NANOS;
        while (System.nanoTime() < end) {
            try {
                if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet: keep polling until the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ReplicaStartException("interrupted while waiting for " + baseUri, e);
            }
            if (System.nanoTime() - nextLivenessCheck >= 0) {
                if (!stillAlive.getAsBoolean()) {
                    throw new ReplicaStartException("exited before answering /heartbeat");
                }
                nextLivenessCheck = System.nanoTime() + LIVENESS_EVERY_NANOS;
            }
            sleep();
        }
        throw new ReplicaStartException("did not answer " + baseUri + "/heartbeat within " + limit.toMillis() + " ms");
    }

    private static void sleep() throws ReplicaStartException {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReplicaStartException("interrupted while waiting for readiness", e);
        }
    }
}
