package lb.analysis.live;

/** How A-3 kills a replica of a live balancer. */
public enum KillMode {
    /** Decide from {@code /status}: a loopback address means a child process, else a container. */
    AUTO,
    /** {@code docker kill <name>} through the Docker CLI. */
    DOCKER,
    /** SIGKILL the {@code server.jar} child process that listens on the replica's port. */
    PROCESS
}
