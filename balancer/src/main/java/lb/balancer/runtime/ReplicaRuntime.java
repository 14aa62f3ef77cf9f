package lb.balancer.runtime;

import lb.balancer.replica.Replica;
import lb.balancer.replica.ReplicaSpec;

/**
 * Where replicas live: Docker containers, child processes, or fixed backends. The pool decides what should run;
 * a runtime only starts, stops and lists.
 *
 * <p>Implementations are thread-safe: the pool starts several replicas in parallel.
 */
public interface ReplicaRuntime extends AutoCloseable {

    /** Whether {@link #start} and {@link #stop} work; the static runtime fronts backends it does not own. */
    boolean canSpawn();

    /** Throws when the runtime cannot be reached right now (e.g. the Docker daemon is down). */
    void checkAvailable() throws RuntimeUnavailableException;

    /**
     * The replicas this runtime already has, for adoption at start-up (containers carrying this pool's labels; the
     * fixed backends), and the ones of this pool that died while the balancer was away (cleaned up, to be started
     * again from their specs).
     */
    Adoption adopt() throws RuntimeUnavailableException;

    /**
     * Starts a replica from {@code spec} and returns once it answers {@code /heartbeat}. On failure nothing is
     * left behind and the exception says why (exit code, OOM, last log lines).
     */
    Replica start(ReplicaSpec spec) throws ReplicaStartException, RuntimeUnavailableException;

    /**
     * Asks to be told at once when a replica this runtime started or adopted dies on its own (a container that exits
     * or is killed, a child process that exits), faster than heartbeats can notice. Not told about replicas stopped
     * through {@link #stop}. Best effort: heartbeats remain the safety net (a hung replica does not die). Runtimes
     * that cannot watch (fixed backends) ignore it.
     */
    default void watchDeaths(java.util.function.Consumer<Replica> onDeath) {}

    /** Stops and removes a replica: a graceful stop first, so in-flight requests can finish. */
    void stop(Replica replica) throws RuntimeUnavailableException;

    /**
     * Gets rid of a dead replica's remains so a replacement can take its name. The pool calls it right before
     * starting the replacement, so it should be quick; runtimes may finish the cleanup in the background.
     */
    default void discard(Replica dead) throws RuntimeUnavailableException {
        stop(dead);
    }

    /** Booted spares ready to replace a dead replica (see {@code LB_SPARES}); 0 for runtimes that keep none. */
    default int readySpares() {
        return 0;
    }

    @Override
    void close();
}
