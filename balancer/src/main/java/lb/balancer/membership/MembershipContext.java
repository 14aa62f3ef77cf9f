package lb.balancer.membership;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread on which membership state changes (gRPC's {@code SynchronizationContext}): tasks run one at a time
 * in submission order, so the member list, reservations and the healer's bookkeeping need no locks. Tasks must not
 * block: runtime calls (Docker, processes) run elsewhere and post their result back here.
 */
final class MembershipContext implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MembershipContext.class);

    private final ScheduledExecutorService executor;
    private volatile Thread thread;
    /** Callers of {@link #call} still waiting; {@link #close} answers those whose task will never run. */
    private final Set<CompletableFuture<?>> waiting = ConcurrentHashMap.newKeySet();

    MembershipContext() {
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "membership");
            t.setDaemon(true);
            thread = t;
            return t;
        });
    }

    boolean inContext() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code task} later on the context; a failure is logged, never lost silently. */
    void execute(Runnable task) {
        try {
            executor.execute(() -> runLogged(task));
        } catch (RejectedExecutionException closed) {
            log.debug("pool closed; dropped a membership task");
        }
    }

    /** Runs {@code task} on the context after {@code delayNanos}; null once the pool is closed. */
    ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        try {
            return executor.schedule(() -> runLogged(task), Math.max(delayNanos, 1), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            return null;
        }
    }

    /**
     * Runs {@code action} on the context and returns its result; inline when already on it. Waiting is short: context
     * tasks never block.
     */
    <T> T call(Action<T> action) throws PoolException {
        if (inContext()) {
            return action.run();
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        waiting.add(result);
        try {
            executor.execute(() -> {
                try {
                    result.complete(action.run());
                } catch (PoolException | RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException closed) {
            waiting.remove(result);
            throw new PoolException(PoolException.Reason.UNAVAILABLE, "the pool is shutting down", closed);
        }
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PoolException(PoolException.Reason.UNAVAILABLE, "interrupted while waiting for the pool", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PoolException refused) {
                throw refused;
            }
            throw (RuntimeException) e.getCause();
        } finally {
            waiting.remove(result);
        }
    }

    /** As {@link #call}, for actions that cannot be refused; a no-op once the pool is closed. */
    void run(Runnable action) {
        try {
            call(() -> {
                action.run();
                return null;
            });
        } catch (PoolException closed) {
            log.debug("pool closed; dropped a membership change: {}", closed.getMessage());
        }
    }

    private static void runLogged(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.error("membership task failed", e);
        }
    }

    @FunctionalInterface
    interface Action<T> {
        T run() throws PoolException;
    }

    /**
     * Stops the context. Queued tasks are dropped (nothing may change the pool once it is recorded and stopping), and
     * a caller whose task was dropped is answered "unavailable" instead of waiting forever (an admin call that
     * arrived during SIGTERM). The task running now, if any, may finish first: context tasks never block.
     */
    @Override
    public void close() {
        executor.shutdownNow();
        if (!inContext()) {
            try {
                executor.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        PoolException dropped = new PoolException(PoolException.Reason.UNAVAILABLE,
                "the pool shut down before this change ran; nothing changed");
        waiting.forEach(result -> result.completeExceptionally(dropped));
    }
}
