package lb.balancer.membership;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import lb.balancer.runtime.Deadline;

/**
 * Runtime calls off the membership context: each runs on its own virtual thread, and whoever waits for it waits at
 * most until a {@link Deadline}, whether or not the runtime honours it. What a call does after its waiter gave up is
 * for the waiter to undo (see {@link PoolChanges}).
 */
final class RuntimeCalls {

    private RuntimeCalls() {}

    @FunctionalInterface
    interface Call<T> {
        T run() throws Exception;
    }

    static <T> CompletableFuture<T> async(String name, Call<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofVirtual().name(name).start(() -> {
            try {
                result.complete(call.run());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /**
     * The call's result, or its failure (unwrapped), or {@link TimeoutException} once {@code deadline} has passed.
     */
    static <T> T await(CompletableFuture<T> call, Deadline deadline) throws Exception {
        try {
            return call.get(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
