package lb.balancer.routing;

import java.util.List;
import lb.balancer.replica.Replica;

/**
 * The replicas of one snapshot as arrays a picker reads without allocating: the replicas, their precomputed
 * {@link Pick.Routed} answers, and helpers that choose among the ones a request does not exclude. Immutable.
 */
final class Candidates {

    static final Pick NONE_AVAILABLE = new Pick.NoReplica("No replicas available");
    static final Pick NONE_LEFT = new Pick.NoReplica("No replica left to try");

    final Replica[] replicas;
    final Pick.Routed[] routed;

    Candidates(List<Replica> live) {
        replicas = live.toArray(Replica[]::new);
        routed = new Pick.Routed[replicas.length];
        for (int i = 0; i < replicas.length; i++) {
            routed[i] = new Pick.Routed(replicas[i]);
        }
    }

    int size() {
        return replicas.length;
    }

    /** Why nothing was picked: an empty snapshot, or every replica excluded. */
    Pick none() {
        return replicas.length == 0 ? NONE_AVAILABLE : NONE_LEFT;
    }

    boolean excluded(int index, long excludedIds) {
        return (excludedIds & (1L << replicas[index].id())) != 0;
    }

    /** How many replicas {@code excludedIds} leaves. */
    int allowed(long excludedIds) {
        if (excludedIds == 0) {
            return replicas.length;
        }
        int allowed = 0;
        for (int i = 0; i < replicas.length; i++) {
            if (!excluded(i, excludedIds)) {
                allowed++;
            }
        }
        return allowed;
    }

    /** The index of the {@code rank}-th replica (from 0) that {@code excludedIds} leaves; rank < allowed. */
    int indexOfAllowed(int rank, long excludedIds) {
        if (excludedIds == 0) {
            return rank;
        }
        for (int i = 0; i < replicas.length; i++) {
            if (!excluded(i, excludedIds) && rank-- == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("rank beyond the allowed replicas");
    }

    /** A uniformly random allowed index, or -1 when every replica is excluded. */
    int random(long excludedIds, RandomSource random) {
        int allowed = allowed(excludedIds);
        return allowed == 0 ? -1 : indexOfAllowed(random.nextInt(allowed), excludedIds);
    }

    /**
     * Two distinct uniformly random allowed indices packed as {@code first << 32 | second} (the same index twice
     * when only one is allowed), or -1 when none is. The power-of-two-choices draw.
     */
    long twoDistinct(long excludedIds, RandomSource random) {
        int allowed = allowed(excludedIds);
        if (allowed == 0) {
            return -1;
        }
        int a = random.nextInt(allowed);
        int b = a;
        if (allowed > 1) {
            b = random.nextInt(allowed - 1); // a rank among the others: no retry loop, no bias
            if (b >= a) {
                b++;
            }
        }
        return (long) indexOfAllowed(a, excludedIds) << 32 | indexOfAllowed(b, excludedIds);
    }

    static int first(long pair) {
        return (int) (pair >>> 32);
    }

    static int second(long pair) {
        return (int) pair;
    }

    /** {@code seq & Integer.MAX_VALUE} modulo {@code n}: never negative, even after the counter wraps. */
    static int slot(int seq, int n) {
        return (seq & Integer.MAX_VALUE) % n;
    }
}
