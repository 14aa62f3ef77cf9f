package lb.balancer.runtime;

/** A replica did not come up; the message says why, and nothing of it is left running. */
public final class ReplicaStartException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why, as far as the pool's backoff cares: each kind is waited out differently and woken by its own signal. */
    public enum Kind {
        /** It started and exited or never answered: a crash loop is backed off by time. */
        CRASHED,
        /** The replica image is missing: woken by {@link RecoverySignal#IMAGE_AVAILABLE}. */
        IMAGE_MISSING,
        /** The name is held by something that is not this pool's replica: refused, nothing touched. */
        NAME_CONFLICT,
        /** It did not come up before the call's {@link Deadline}; whatever was started has been removed. */
        TIMED_OUT,
        /** The runtime cannot start replicas at all (fixed backends). */
        NOT_SUPPORTED,
        /** Anything else. */
        OTHER
    }

    private final Kind kind;

    public ReplicaStartException(String message) {
        this(Kind.OTHER, message, null);
    }

    public ReplicaStartException(String message, Throwable cause) {
        this(Kind.OTHER, message, cause);
    }

    public ReplicaStartException(Kind kind, String message) {
        this(kind, message, null);
    }

    public ReplicaStartException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
