package lb.balancer.replica;

/**
 * What the forwarding path tells the rest of the balancer about each attempt, so strategies can learn latencies and
 * in-flight counts and health can react to failures without extra probes.
 *
 * <p>Called on data-path threads: implementations must be fast and non-blocking.
 */
public interface ForwardListener {

    /** An attempt to {@code replica} is about to be sent. */
    void started(Replica replica);

    /** The attempt ended after {@code nanos}; {@code outcome} says how. Always called once per {@link #started}. */
    void finished(Replica replica, long nanos, Outcome outcome);

    enum Outcome {
        /** The replica answered (any HTTP status). */
        RESPONDED,
        /** Connecting failed or the connection broke before any response byte: the request may be retried elsewhere. */
        CONNECT_FAILED,
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
