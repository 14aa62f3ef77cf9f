package lb.balancer.replica;

/**
 * What the forwarding path tells the rest of the balancer about each attempt, so strategies can learn latencies and
 * in-flight counts, health can react to failures without extra probes, and metrics can count what happened.
 *
 * <p>Per attempt the data path calls {@link #started(Replica, int)}, then, when the replica's answer head had
 * arrived, {@link #responded} (at most once), then exactly one {@link #finished}.
 *
 * <p>Called on data-path threads: implementations must be fast and non-blocking.
 */
public interface ForwardListener {

    /** An attempt to {@code replica} is about to be sent. */
    void started(Replica replica);

    /**
     * An attempt to {@code replica} is about to be sent; {@code attempt} is 1 for a request's first attempt and 2, 3,
     * ... when the request is retried there after an earlier replica failed it. Listeners that do not care which try
     * it is implement {@link #started(Replica)} only.
     */
    default void started(Replica replica, int attempt) {
        started(replica);
    }

    /** {@code replica} answered with {@code status} (its final status line), told just before {@link #finished}. */
    default void responded(Replica replica, int status) {}

    /** The attempt ended after {@code nanos}; {@code outcome} says how. Always called once per {@link #started}. */
    void finished(Replica replica, long nanos, Outcome outcome);

    enum Outcome {
        /** The replica answered (any HTTP status). */
        RESPONDED,
        /** Connecting failed (refused, unreachable, connect timeout): the request may be retried elsewhere. */
        CONNECT_FAILED,
        /** The connection broke before any response byte: the request may be retried elsewhere. */
        RESET,
        /** The replica's answer was not HTTP (nothing of it reached the client). */
        BAD_RESPONSE,
        /** The replica did not answer within the timeout. */
        TIMED_OUT
    }

    /** Tells every one of {@code listeners}, in order. */
    static ForwardListener all(ForwardListener... listeners) {
        ForwardListener[] each = listeners.clone();
        return new ForwardListener() {
            @Override
            public void started(Replica replica) {
                for (ForwardListener l : each) l.started(replica);
            }

            @Override
            public void started(Replica replica, int attempt) {
                for (ForwardListener l : each) l.started(replica, attempt);
            }

            @Override
            public void responded(Replica replica, int status) {
                for (ForwardListener l : each) l.responded(replica, status);
            }

            @Override
            public void finished(Replica replica, long nanos, Outcome outcome) {
                for (ForwardListener l : each) l.finished(replica, nanos, outcome);
            }
        };
    }

    ForwardListener NONE = new ForwardListener() {
        @Override
        public void started(Replica replica) {}

        @Override
        public void finished(Replica replica, long nanos, Outcome outcome) {}
    };
}
