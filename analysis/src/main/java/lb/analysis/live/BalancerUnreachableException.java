package lb.analysis.live;

/** The balancer did not answer, or answered something that is not its API; the message says which, in one line. */
public final class BalancerUnreachableException extends RuntimeException {

    public BalancerUnreachableException(String message) {
        super(message);
    }
}
