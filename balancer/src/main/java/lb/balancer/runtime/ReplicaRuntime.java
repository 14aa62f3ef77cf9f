package lb.balancer.runtime;

import java.util.function.Consumer;
import lb.balancer.replica.Replica;
import lb.balancer.replica.ReplicaSpec;

/**
 * Where replicas live: Docker containers, child processes, or fixed backends. The pool decides what should run;
 * a runtime only starts, stops and lists.
 *
 * <p>Implementations are thread-safe: the pool starts several replicas in parallel. The pool never holds a lock or
 * its membership context while it calls a runtime, so a call may block (up to its {@link Deadline}).
 *
 * <p>Methods taking a {@link Deadline} are the ones the pool calls; their defaults delegate to the older methods
 * without one, which is correct but not bounded (the pool then undoes a result that arrives late). Runtimes that
 * can bound their calls override them ({@link BoundedRuntime}).
 */
public interface ReplicaRuntime extends AutoCloseable {

    /** What this runtime can do; the pool asks instead of catching refusals. */
    default Capabilities capabilities() {
        return canSpawn() ? Capabilities.OWNED : Capabilities.FIXED;
    }

    /** Whether {@link #start} and {@link #stop} work; the static runtime fronts backends it does not own. */
    boolean canSpawn();

    /** Throws when the runtime cannot be reached right now (e.g. the Docker daemon is down). */
    void checkAvailable() throws RuntimeUnavailableException;

    /** As {@link #checkAvailable()}, failing once {@code deadline} passes instead of hanging with the daemon. */
    default void checkAvailable(Deadline deadline) throws RuntimeUnavailableException {
        checkAvailable();
    }

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
     * As {@link #start(ReplicaSpec)}, bounded by {@code deadline} (on expiry: nothing left behind,
     * {@link ReplicaStartException.Kind#TIMED_OUT} or {@link RuntimeUnavailableException}), and saying whether a warm
     * spare was used.
     */
    default Started start(ReplicaSpec spec, Deadline deadline) throws ReplicaStartException, RuntimeUnavailableException {
        return new Started(start(spec), Started.Source.COLD);
    }

    /** A replica that came up, and how. */
    record Started(Replica replica, Source source) {
        public enum Source {
            /** A booted warm spare was claimed (renamed and relabelled). */
            SPARE,
            /** A new instance was created and booted. */
            COLD
        }
    }

    /**
     * Asks to be told at once when a replica this runtime started or adopted dies on its own (a container that exits
     * or is killed, a child process that exits), faster than heartbeats can notice. Not told about replicas stopped
     * through {@link #stop}. Best effort: heartbeats remain the safety net (a hung replica does not die). Runtimes
     * that cannot watch (fixed backends) ignore it.
     */
    default void watchDeaths(Consumer<Replica> onDeath) {}

    /** As {@link #watchDeaths(Consumer)}, with the forensics read before the remains are removed. */
    default void watchDeaths(DeathListener onDeath) {
        watchDeaths((Consumer<Replica>) replica -> onDeath.died(replica, Death.UNKNOWN));
    }

    /**
     * How this runtime learns of a death it reports through {@link #watchDeaths}, as the cause the journal gives it
     * ({@code docker die event}): an operator reading {@code /status} should know who saw it die.
     */
    default String deathWitness() {
        return "the runtime saw it exit";
    }

    /** Told about a replica's death with what is known about it. Called on a runtime thread: must be quick. */
    @FunctionalInterface
    interface DeathListener {
        void died(Replica replica, Death death);
    }

    /**
     * The forensics of a replica the pool declared dead (heartbeats failed), read before {@link #discard}. A runtime
     * that keeps none, or whose remains are gone, answers {@link Death#UNKNOWN}.
     */
    default Death autopsy(Replica dead, Deadline deadline) throws RuntimeUnavailableException {
        return Death.UNKNOWN;
    }

    /** Asks to be told when something happened that may let a failed replacement succeed now (see {@link RecoverySignal}). */
    default void watchRecovery(Consumer<RecoverySignal> onSignal) {}

    /** Stops and removes a replica: a graceful stop first, so in-flight requests can finish. */
    void stop(Replica replica) throws RuntimeUnavailableException;

    /** As {@link #stop(Replica)}, bounded by {@code deadline}. */
    default void stop(Replica replica, Deadline deadline) throws RuntimeUnavailableException {
        stop(replica);
    }

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

    /**
     * Names a new replica cannot take because something that is not one of this pool's replicas holds them (for
     * Docker: any container name, of another owner's too). {@code /add} refuses them (409) before anything is
     * started, and generated names skip them.
     */
    default java.util.Set<String> namesHeldElsewhere(Deadline deadline) throws RuntimeUnavailableException {
        return java.util.Set.of();
    }

    @Override
    void close();
}
