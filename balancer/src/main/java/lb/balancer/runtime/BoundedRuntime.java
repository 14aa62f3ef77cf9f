package lb.balancer.runtime;

import java.time.Duration;
import lb.balancer.replica.Replica;

/**
 * A runtime that bounds each of its calls by a {@link Deadline} (Docker, Swarm: a daemon can hang). The calls made
 * without one get {@link #DEFAULT_DEADLINE}, so that no call of such a runtime waits forever.
 */
public interface BoundedRuntime extends ReplicaRuntime {

    /** The deadline of a call made without one. */
    Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);

    /** As {@link #stop(Replica, Deadline)}, within {@link #DEFAULT_DEADLINE}. */
    @Override
    default void stop(Replica replica) throws RuntimeUnavailableException {
        stop(replica, Deadline.in(DEFAULT_DEADLINE));
    }

    /** Stops and removes a replica, as {@link ReplicaRuntime#stop(Replica)}, failing once {@code deadline} passes. */
    @Override
    void stop(Replica replica, Deadline deadline) throws RuntimeUnavailableException;
}
