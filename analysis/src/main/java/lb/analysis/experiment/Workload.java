package lb.analysis.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import lb.analysis.load.LoadRequest;

/**
 * Seeded request ids: uniform 6-digit numbers (SPEC §2's random request ids), the same sequence for the same seed
 * in every run, live or offline. The ids are sent as {@code X-Request-Id}, so the balancer hashes exactly these.
 */
public final class Workload {

    private Workload() {}

    /** {@code count} ids in {@code [100000, 999999]} from {@code seed}. */
    public static long[] keys(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] keys = new long[count];
        for (int i = 0; i < count; i++) {
            keys[i] = random.nextLong(100_000, 1_000_000);
        }
        return keys;
    }

    /** {@code GET /home} for each of {@code keys}. */
    public static List<LoadRequest> home(long[] keys) {
        List<LoadRequest> requests = new ArrayList<>(keys.length);
        for (long key : keys) {
            requests.add(LoadRequest.of(key, "/home"));
        }
        return requests;
    }
}
