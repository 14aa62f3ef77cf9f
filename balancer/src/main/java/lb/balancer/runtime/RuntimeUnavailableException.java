package lb.balancer.runtime;

/** The runtime cannot be reached (e.g. the Docker daemon is down); nothing was changed. */
public final class RuntimeUnavailableException extends Exception {

    private static final long serialVersionUID = 1L;

    public RuntimeUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
