package lb.balancer.runtime;

import java.time.Duration;

/**
 * The two questions asked of a container that was just started, while waiting for it to answer: where it is, and
 * whether it still runs. Both a new replica ({@link DockerRuntime}) and a new spare ({@link WarmSpares}) ask them.
 */
record ContainerChecks(PoolContainers containers, DockerCalls calls) {

    private static final Duration INSPECT_DEADLINE = Duration.ofSeconds(2);

    /** The started container's address on the pool network; for use inside a {@link DockerCalls} call. */
    String addressOf(String containerId) {
        try {
            return containers.addressOfStarted(containerId);
        } catch (ReplicaStartException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Whether the container still runs; a daemon that does not answer counts as yes: the readiness deadline decides. */
    boolean stillRunning(String containerId, String what) {
        try {
            return calls.read(Deadline.in(INSPECT_DEADLINE), what, () -> containers.isRunning(containerId));
        } catch (RuntimeUnavailableException hung) {
            return true;
        }
    }
}
