package lb.analysis.cli;

import java.net.URI;
import java.util.Locale;
import java.util.concurrent.Callable;
import lb.analysis.experiment.Workload;
import lb.analysis.live.BalancerClient;
import lb.analysis.load.LoadGenerator;
import lb.analysis.load.LoadPlan;
import lb.analysis.load.LoadResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code analysis load}: the experiments' load generator on its own, like wrk: seeded {@code GET /home} requests,
 * closed or open loop, one line of results. Used by {@code bench/loadgen.sh} to compare it with wrk.
 */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Sends --requests GET /home with seeded X-Request-Id (closed loop, or open loop at --rate) and "
                + "prints throughput, latency percentiles and errors by cause. Writes nothing.")
final class LoadCommand implements Callable<Integer> {

    @Option(names = "--url", defaultValue = "http://localhost:5000", description = "Target (default: ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--requests", defaultValue = "100000", description = "Requests measured (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--warmup", defaultValue = "0", description = "Requests sent first and not measured (JIT warm-up).")
    int warmup;

    @Option(names = "--concurrency", defaultValue = "64", description = "Connections (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--rate", defaultValue = "0", description = "Open loop: requests per second; 0 = closed loop.")
    double rate;

    @Option(names = "--seed", defaultValue = "42", description = "Seeds the request ids (default: ${DEFAULT-VALUE}).")
    long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (requests < 1 || warmup < 0 || concurrency < 1 || rate < 0) {
            throw new ParameterException(spec.commandLine(), "--requests and --concurrency must be at least 1, "
                    + "--warmup and --rate at least 0");
        }
        new BalancerClient(url).exchange("GET", "/", null); // one clear line when nothing answers
        LoadPlan plan = rate > 0 ? LoadPlan.open(rate, concurrency) : LoadPlan.closed(concurrency);
        try (LoadGenerator generator = new LoadGenerator(url)) {
            if (warmup > 0) {
                generator.run(Workload.home(Workload.keys(seed + 1, warmup)), plan);
            }
            LoadResult result = generator.run(Workload.home(Workload.keys(seed, requests)), plan);
            spec.commandLine().getOut().println(String.format(Locale.ROOT,
                    "RESULT requests=%d rps=%.0f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f failed=%d unsent=%d "
                            + "wall_s=%.3f errors=%s",
                    result.sent(), result.throughput(), result.percentileMillis(50), result.percentileMillis(99),
                    result.percentileMillis(99.9), result.failed(), result.unsent(), result.wallNanos() / 1e9,
                    result.errors()));
        }
        return 0;
    }
}
