package lb.balancer.membership;

/** A pool change was refused or failed; {@link #reason()} tells the API which status to answer with. */
public final class PoolException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a change did not happen. In every case the pool is as it was before the call. */
    public enum Reason {
        /** The request contradicts the pool (a name not in the pool, more than exist, over capacity). */
        INVALID,
        /** A requested name is already used by a replica. */
        CONFLICT,
        /** The runtime cannot add or remove replicas (static backends). */
        NOT_SUPPORTED,
        /** The runtime cannot be reached (Docker daemon down). */
        UNAVAILABLE,
        /** A replica did not start; the message says why. */
        START_FAILED
    }

    private final Reason reason;

    public PoolException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public PoolException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
