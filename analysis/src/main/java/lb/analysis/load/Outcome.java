package lb.analysis.load;

/**
 * What happened to one request of a run.
 *
 * @param index        the request's position in the workload
 * @param key          its ring key (negative: none was sent)
 * @param status       the HTTP status, 0 when there was no answer
 * @param servedBy     the balancer's {@code X-Served-By} header, null when absent
 * @param intendedNanos when the request was meant to go out, in nanoseconds since the run started (open loop: its
 *                     slot in the schedule; closed loop: when it was sent)
 * @param latencyNanos from {@code intendedNanos} to the end of the answer (or the failure): in the open loop it
 *                     includes any wait for a free connection, so a stall is not hidden (coordinated omission)
 * @param failure      null for a success
 */
public record Outcome(int index, long key, int status, String servedBy, long intendedNanos, long latencyNanos,
                      Failure failure) {

    public boolean ok() {
        return failure == null;
    }

    /** When the answer (or the failure) came, in nanoseconds since the run started. */
    public long endNanos() {
        return intendedNanos + latencyNanos;
    }

    public double latencyMillis() {
        return latencyNanos / 1e6;
    }
}
