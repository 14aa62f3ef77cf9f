package lb.benchmarks;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import lb.hashring.HashRing;
import lb.hashring.RingConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The clockwise walk used on retries and bounded-load routing, on rings of 3 and 50 servers (mixed preset):
 * {@code nextAfterPrimary} excludes the request's primary (a retry after one failure), {@code fullWalk} writes
 * every distinct server into a reused buffer. Keys and their primaries' exclusion masks are precomputed.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar RingRetryBenchmark -f 1 -wi 3 -i 5 -w 1 -r 1}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RingRetryBenchmark {

    private static final int KEYS = 1 << 12;

    @Param({"3", "50"})
    int servers;

    private HashRing ring;
    private long[] keys;
    private long[] primaryMasks;
    private int[] buffer;
    private int index;

    @Setup
    public void setUp() {
        List<Integer> ids = IntStream.rangeClosed(1, servers).boxed().toList();
        ring = HashRing.of(RingConfig.defaults(), ids);
        SplittableRandom random = new SplittableRandom(42);
        keys = new long[KEYS];
        primaryMasks = new long[KEYS];
        for (int k = 0; k < KEYS; k++) {
            keys[k] = random.nextLong(Long.MAX_VALUE);
            primaryMasks[k] = 1L << ring.serverFor(keys[k]);
        }
        buffer = new int[servers];
    }

    @Benchmark
    public int nextAfterPrimary() {
        index = (index + 1) & (KEYS - 1);
        return ring.nextServerAfter(keys[index], primaryMasks[index]);
    }

    @Benchmark
    public int fullWalk() {
        index = (index + 1) & (KEYS - 1);
        ring.walk(keys[index], buffer);
        return buffer[servers - 1];
    }
}
