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
 * The primary lookup {@link HashRing#serverFor(long)}: {@code H(key) mod 512} plus one array read, on rings of 3
 * and 50 servers, over precomputed random keys (a power-of-two array walked by a masked index, so the loop adds
 * no division of its own). Goal: under 20 ns/op.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar RingLookupBenchmark -f 1 -wi 3 -i 5 -w 1 -r 1}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RingLookupBenchmark {

    private static final int KEYS = 1 << 12;

    @Param({"3", "50"})
    int servers;

    @Param({"mixed", "assignment"})
    String preset;

    private HashRing ring;
    private long[] keys;
    private int index;

    @Setup
    public void setUp() {
        List<Integer> ids = IntStream.rangeClosed(1, servers).boxed().toList();
        ring = HashRing.of(RingConfig.withPreset(preset), ids);
        SplittableRandom random = new SplittableRandom(42);
        keys = new long[KEYS];
        for (int k = 0; k < KEYS; k++) {
            keys[k] = random.nextLong(Long.MAX_VALUE);
        }
    }

    @Benchmark
    public int serverFor() {
        index = (index + 1) & (KEYS - 1);
        return ring.serverFor(keys[index]);
    }
}
