package lb.balancer.runtime;

/** A replica did not come up; the message says why, and nothing of it is left running. */
public final class ReplicaStartException extends Exception {

    private static final long serialVersionUID = 1L;

    public ReplicaStartException(String message) {
        super(message);
    }

    public ReplicaStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
