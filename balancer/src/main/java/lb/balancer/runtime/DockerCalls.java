package lb.balancer.runtime;

import com.github.dockerjava.api.exception.DockerException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Docker calls with a deadline. docker-java has no per-call timeout (only the HTTP client's, for every call), and a
 * hung daemon ({@code kill -STOP dockerd}) accepts connections and never answers, so each call runs on a virtual
 * thread that the caller waits for until its {@link Deadline}. A call that did not answer in time is reported as
 * {@link RuntimeUnavailableException} and the caller says nothing changed; so that stays true, a call that changes
 * something names an <em>undo</em>, run if the call completes after all (when the daemon wakes up): a late create is
 * removed, a spare renamed late is removed, a replica renamed late for removal gets its name back. The caller never
 * acts on a late result.
 *
 * <p>Thread-safe. Errors the daemon answered with ({@link DockerException}: 404, 409, ...) pass through as they are,
 * for the caller to explain; anything else (connection refused, reset, timed out) is "unavailable".
 */
public final class DockerCalls implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DockerCalls.class);

    private static final int PENDING = 0;
    private static final int COMPLETED = 1;
    private static final int ABANDONED = 2;

    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("docker-call-", 0).factory());
    /** Whether the last call failed for want of a daemon: the next answer is a recovery worth telling. */
    private final AtomicBoolean unreachable = new AtomicBoolean();
    private volatile Runnable onAnsweringAgain = () -> {};

    /** {@code listener} runs (on a call's thread) when the daemon answers after calls had failed to reach it. */
    public void onAnsweringAgain(Runnable listener) {
        this.onAnsweringAgain = listener;
    }

    /** Whether the last call found the daemon unreachable or hung. */
    public boolean unreachable() {
        return unreachable.get();
    }

    /** Runs {@code call}, which changes nothing (reads, or idempotent cleanup), within {@code deadline}. */
    public <T> T read(Deadline deadline, String what, Supplier<T> call) throws RuntimeUnavailableException {
        return change(deadline, what, call, late -> {});
    }

    /**
     * Runs {@code call} within {@code deadline}; if it completes only after the deadline passed (the caller was told
     * it failed), {@code undoIfLate} gets its result, so that the late change is taken back.
     */
    public <T> T change(Deadline deadline, String what, Supplier<T> call, Consumer<T> undoIfLate)
            throws RuntimeUnavailableException {
        // PENDING -> COMPLETED (the call finished first) or PENDING -> ABANDONED (the caller gave up first).
        AtomicInteger state = new AtomicInteger(PENDING);
        CompletableFuture<T> future = CompletableFuture.supplyAsync(call, threads);
        future.whenComplete((result, error) -> {
            if (error == null || error.getCause() instanceof DockerException) {
                answered();
            }
            if (!state.compareAndSet(PENDING, COMPLETED) && error == null) {
                log.warn("Docker completed {} after its deadline; undoing it", what);
                try {
                    undoIfLate.accept(result);
                } catch (RuntimeException e) {
                    log.warn("could not undo the late {}: {}", what, e.getMessage());
                }
            }
        });
        try {
            try {
                return future.get(Math.max(0, deadline.remaining().toNanos()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | InterruptedException e) {
                if (!state.compareAndSet(PENDING, ABANDONED)) {
                    return future.get(); // it completed in the instant between: its result stands
                }
                throw e;
            }
        } catch (TimeoutException e) {
            unreachable.set(true);
            throw new RuntimeUnavailableException("Docker daemon did not answer " + what + " within the deadline "
                    + "(hung?); nothing was changed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeUnavailableException("interrupted while Docker ran " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof DockerException answered) {
                throw answered;
            }
            unreachable.set(true);
            throw new RuntimeUnavailableException("Docker daemon unreachable: " + cause.getMessage(), cause);
        }
    }

    private void answered() {
        if (unreachable.compareAndSet(true, false)) {
            log.info("the Docker daemon answers again");
            onAnsweringAgain.run();
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
