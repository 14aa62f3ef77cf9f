package lb.balancer.health;

import lb.balancer.replica.Replica;

/** Told the result of every heartbeat, on the health monitor's thread: must be quick. */
@FunctionalInterface
public interface HeartbeatListener {

    void heartbeat(Replica replica, Heartbeat beat);

    HeartbeatListener NONE = (replica, beat) -> {};

    /** Tells each of {@code listeners}, in order. */
    static HeartbeatListener all(HeartbeatListener... listeners) {
        HeartbeatListener[] each = listeners.clone();
        return (replica, beat) -> {
            for (HeartbeatListener l : each) l.heartbeat(replica, beat);
        };
    }
}
