package lb.balancer.health;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import lb.balancer.replica.Replica;

/**
 * Each replica's last heartbeat, by name (a replacement's heartbeats go on under the name), for {@code /status}.
 * Thread-safe.
 */
public final class HeartbeatLog implements HeartbeatListener {

    private final Map<String, Heartbeat> last = new ConcurrentHashMap<>();

    @Override
    public void heartbeat(Replica replica, Heartbeat beat) {
        last.put(replica.name(), beat);
    }

    public Optional<Heartbeat> last(String name) {
        return Optional.ofNullable(last.get(name));
    }

    /** Forgets {@code name} (removed from the pool), so the log stays as large as the pool. */
    public void forget(String name) {
        last.remove(name);
    }
}
