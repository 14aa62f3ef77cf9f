package lb.balancer.membership;

import lb.balancer.replica.Replica;
import lb.balancer.replica.ReplicaSpec;

/**
 * One replica the pool should have: its spec (name, id: what {@code /rep} lists) and the instance running it now.
 *
 * @param spec    identity and start settings; a replacement is started from the same spec
 * @param replica the running instance, or null when there is none (died while the balancer was away)
 * @param health  whether the instance takes traffic
 */
public record Member(ReplicaSpec spec, Replica replica, Health health) {

    public enum Health {
        /** In the ring. */
        UP,
        /** Out of the ring after a failure, still probed: a good heartbeat brings it back. */
        SUSPECT,
        /** Dead: out of the ring; replaced, or (fixed backends) probed until it answers again. */
        DOWN
    }

    static Member up(Replica replica, ReplicaSpec spec) {
        return new Member(spec, replica, Health.UP);
    }

    public String name() {
        return spec.name();
    }

    boolean runs(Replica instance) {
        return replica != null && replica.equals(instance);
    }

    Member with(Health next) {
        return new Member(spec, replica, next);
    }
}
