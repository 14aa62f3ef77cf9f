package lb.analysis.load;

/**
 * Why a request failed, for grouping errors by cause. A request that got an answer with a status of 400 or more
 * failed with {@link #STATUS} (grouped further by the code); the others never got a complete answer.
 */
public enum Failure {
    /** An answer with status ≥ 400. */
    STATUS,
    /** No complete answer within the request timeout. */
    TIMEOUT,
    /** The connection could not be opened. */
    CONNECT,
    /** The connection closed or was reset before the answer was complete. */
    RESET;

    /** The group an error is counted in: {@code status 503}, {@code timeout}, {@code connect}, {@code reset}. */
    public static String group(Failure failure, int status) {
        return failure == STATUS ? "status " + status : failure.name().toLowerCase(java.util.Locale.ROOT);
    }
}
