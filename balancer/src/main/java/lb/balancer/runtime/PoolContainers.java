package lb.balancer.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import lb.balancer.replica.ReplicaSpec;

/**
 * Everything {@link DockerRuntime} and {@link WarmSpares} do to the pool's containers: Docker's calls, and the one
 * call made to a container itself (a spare's claim). {@link DockerContainers} is the real one; a test can stand in
 * an in-memory Docker here and stop the balancer between any two of these calls (issue 12.1).
 *
 * <p>Thread-safe. Calls throw docker-java's exceptions for what the daemon answered (404, 409, ...), anything else
 * for a daemon that could not be reached; {@link DockerCalls} tells the two apart.
 */
interface PoolContainers extends AutoCloseable {

    /** A container as Docker lists it: its id, name, state and labels. */
    record Listed(String id, String name, boolean running, Map<String, String> labels) {
        public Listed {
            labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.HashMap<>(labels));
        }
    }

    /** An event of Docker's stream: {@code action} ({@code die}, {@code create}, {@code tag}, ...) on {@code subject}. */
    record Event(String action, String subject, Map<String, String> attributes) {
        public Event {
            attributes = attributes == null ? Map.of()
                    : java.util.Collections.unmodifiableMap(new java.util.HashMap<>(attributes));
        }
    }

    void ping();

    /** Creates the pool's bridge network unless a network of that exact name exists. */
    void ensureNetwork();

    /** Creates and starts a replica container labelled with {@code spec} and {@code callToken}; returns its id. */
    String createAndStart(ReplicaSpec spec, String callToken);

    /** Creates and starts a spare named {@code name}: a replica with no identity until claimed. Returns its id. */
    String createAndStartSpare(String name, String callToken);

    /**
     * Tells the spare at {@code address} that it is {@code spec} from now on; it records the claim in its file system
     * (see {@link #readClaim}) before it answers. Throws when it did not answer 200 within {@code timeout}.
     */
    void claim(String containerId, String address, ReplicaSpec spec, Duration timeout)
            throws IOException, InterruptedException;

    /** The claim a spare recorded when it became a replica; null if it was never claimed. */
    Map<String, String> readClaim(String containerId);

    boolean isRunning(String containerId);

    /** The address of a container just started, on the pool's network; throws if it has none (it stopped already). */
    String addressOfStarted(String containerId) throws ReplicaStartException;

    /** The container's address on the pool's network; null if it has none (not running). */
    String addressOf(String containerId);

    /** The spec a replica container was made from (its labels and environment). */
    ReplicaSpec specOf(String containerId);

    /** Every container Docker has, running or not, of any owner (for the names they hold). */
    List<Listed> listAll();

    /** All containers of this pool (by label), running or not. */
    List<Listed> listPool();

    /** The container named exactly {@code name}, of any owner, if one exists. */
    Optional<Listed> byName(String name);

    /** Whether a container carries this pool's labels: the only containers the balancer ever changes. */
    boolean isOurs(Listed container);

    /** Gives a container another name, freeing its own; 409 if another container holds {@code newName}. */
    void rename(String containerId, String newName);

    /** SIGTERM, then SIGKILL after {@code graceSeconds}; a container already stopped or gone is fine. */
    void stop(String containerId, int graceSeconds);

    /** Removes a container, running or not; one already gone is fine. */
    void remove(String containerId);

    /** Exit code, OOM flag and last log lines of a container that stopped; what cannot be read is left unknown. */
    Death deathOf(String containerId, int lines);

    /** Streams this pool's container events {@code actions} since an epoch second; {@code onEnd} when it breaks. */
    Closeable streamPoolEvents(long sinceEpochSeconds, List<String> actions, Consumer<Event> onEvent, Runnable onEnd);

    /** Streams the events that make images available (tag, load, pull) since an epoch second. */
    Closeable streamImageEvents(long sinceEpochSeconds, Consumer<Event> onEvent, Runnable onEnd);

    /** The name prefix of this pool's unclaimed spares. */
    default String sparePrefix() {
        return pool() + "-spare-";
    }

    String pool();

    /** The port replicas answer HTTP on, at their address. */
    default int replicaPort() {
        return ReplicaLabels.REPLICA_PORT;
    }

    @Override
    void close();
}
