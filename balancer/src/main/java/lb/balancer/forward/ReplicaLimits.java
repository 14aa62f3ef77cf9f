package lb.balancer.forward;

import lb.balancer.replica.Replica;
import lb.balancer.replica.ReplicaIndex;

/**
 * The {@link ReplicaGate} of every replica, shared by all event loops. A replica replaced at a new address is a new
 * {@link Replica} value and gets a fresh gate; {@link #forget} drops the gate of one that left.
 *
 * @param maxConcurrent requests in flight to one replica at most
 * @param maxQueue      requests waiting for one replica at most; beyond it a request gets a 503 at once
 * @param queueTimeoutNanos longest wait in the queue before a 503
 */
record ReplicaLimits(int maxConcurrent, int maxQueue, long queueTimeoutNanos,
                     ReplicaIndex<ReplicaGate> gates) {

    ReplicaLimits(int maxConcurrent, int maxQueue, long queueTimeoutNanos) {
        this(maxConcurrent, maxQueue, queueTimeoutNanos, new ReplicaIndex<>());
    }

    ReplicaGate gate(Replica replica) {
        // A plain read first: computeIfAbsent would allocate its capturing lambda on every request.
        ReplicaGate gate = gates.get(replica);
        return gate != null ? gate : gates.computeIfAbsent(replica,
                r -> new ReplicaGate(maxConcurrent, maxQueue, queueTimeoutNanos));
    }

    /** Answers {@code replica} gave the data path so far (0 before its first request). */
    long answered(Replica replica) {
        ReplicaGate gate = gates.get(replica);
        return gate == null ? 0 : gate.answered();
    }

    /** When {@code replica} last answered the data path ({@link System#nanoTime}); {@link ReplicaGate#NEVER} before. */
    long lastAnswerNanos(Replica replica) {
        ReplicaGate gate = gates.get(replica);
        return gate == null ? ReplicaGate.NEVER : gate.lastAnswerNanos();
    }

    void forget(Replica replica) {
        gates.remove(replica);
    }
}
