package lb.balancer.runtime;

/**
 * Something happened in a runtime that can end a replacement's backoff: the healer tries again at once instead of
 * waiting out the backoff (see {@link ReplicaRuntime#watchRecovery}).
 */
public enum RecoverySignal {
    /** A warm spare finished booting. */
    SPARE_READY,
    /** The replica image is present again (built, pulled or loaded). */
    IMAGE_AVAILABLE,
    /** The runtime answers again after being unreachable. */
    RUNTIME_ANSWERING
}
