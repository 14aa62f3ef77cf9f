package lb.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import lb.hashring.HashRing;
import lb.hashring.RingConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A membership change on a 50-server ring (mixed preset): each rebuilds the placement and the 512-entry route
 * table. {@code addLargestId} is the balancer's common case (a new replica gets the next id); {@code addSmallId}
 * refills a gap at id 1, whose virtual nodes are placed first; {@code remove} takes server 25 out. Goal: an add
 * under 50 µs.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar RingMembershipBenchmark -f 1 -wi 3 -i 5 -w 1 -r 1}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RingMembershipBenchmark {

    private HashRing fifty;
    private HashRing fiftyWithoutOne;

    @Setup
    public void setUp() {
        List<Integer> ids = IntStream.rangeClosed(1, 50).boxed().toList();
        fifty = HashRing.of(RingConfig.defaults(), ids);
        fiftyWithoutOne = HashRing.of(RingConfig.defaults(), IntStream.rangeClosed(2, 51).boxed().toList());
    }

    @Benchmark
    public HashRing addLargestId() {
        return fifty.withServer(51);
    }

    @Benchmark
    public HashRing addSmallId() {
        return fiftyWithoutOne.withServer(1);
    }

    @Benchmark
    public HashRing remove() {
        return fifty.withoutServer(25);
    }
}
