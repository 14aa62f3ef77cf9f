package lb.analysis.cli;

import java.net.URI;
import java.nio.file.Path;
import lb.analysis.experiment.Settings;
import lb.analysis.live.KillMode;
import lb.balancer.routing.Strategies;
import lb.hashring.HashPresets;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The options every experiment subcommand takes (a picocli mixin), checked into {@link Settings}. */
final class Options {

    @Option(names = "--url", defaultValue = "http://localhost:5000", paramLabel = "URL",
            description = "The live balancer (default: ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--requests", defaultValue = "10000", paramLabel = "N",
            description = "Requests per measurement (default: ${DEFAULT-VALUE}; a2/a4: per N).")
    int requests;

    @Option(names = "--concurrency", defaultValue = "64", paramLabel = "C",
            description = "Connections of the load generator; closed loop: requests in flight (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "R",
            description = "Open loop: R requests per second, latency measured from each request's intended send time "
                    + "(coordinated omission corrected). 0 = closed loop (default).")
    double rate;

    @Option(names = "--seed", defaultValue = "42", description = "Seeds the request ids and the simulator (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--hash", defaultValue = "mixed", paramLabel = "PRESET",
            description = "Hash preset of a1/a2: mixed, assignment, assignment-variant (default: ${DEFAULT-VALUE}; a4 runs all).")
    String hash;

    @Option(names = "--strategy", paramLabel = "NAME",
            description = "The one strategy to run (strategies, adaptive, regions) or the hashing strategy of a1/a2/a4/a3.")
    String strategy;

    @Option(names = "--out", defaultValue = "analysis-out", paramLabel = "DIR",
            description = "Folder for CSVs, charts and report.md (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--offline", description = "Run on the deterministic simulator instead of a live balancer.")
    boolean offline;

    @ArgGroup(exclusive = true)
    Kill kill;

    static final class Kill {
        @Option(names = "--docker", description = "a3 kills the replica's container (docker kill <name>).")
        boolean docker;

        @Option(names = "--process", description = "a3 kills the replica's server.jar child process (by its port).")
        boolean process;
    }

    /** The checked settings; a bad value is a {@link ParameterException} naming the option. */
    Settings settings(CommandSpec spec, String command) {
        check(spec, requests >= 1 && requests <= 10_000_000, "--requests must be from 1 to 10000000, got " + requests);
        check(spec, concurrency >= 1 && concurrency <= 10_000, "--concurrency must be from 1 to 10000, got " + concurrency);
        check(spec, rate >= 0 && rate <= 1_000_000, "--rate must be from 0 (closed loop) to 1000000, got " + rate);
        check(spec, HashPresets.names().contains(hash.toLowerCase(java.util.Locale.ROOT)),
                "--hash: unknown preset '" + hash + "'; valid: " + String.join(", ", HashPresets.names()));
        check(spec, strategy == null || Strategies.names().contains(strategy.toLowerCase(java.util.Locale.ROOT)),
                "--strategy: unknown strategy '" + strategy + "'; valid: " + String.join(", ", Strategies.names()));
        check(spec, "http".equals(url.getScheme()) && url.getHost() != null,
                "--url must be http://host:port, got " + url);
        KillMode mode = kill == null ? KillMode.AUTO
                : kill.docker ? KillMode.DOCKER : KillMode.PROCESS;
        return new Settings(url, requests, concurrency, rate, seed, hash.toLowerCase(java.util.Locale.ROOT),
                strategy == null ? null : strategy.toLowerCase(java.util.Locale.ROOT), out, offline, mode, command);
    }

    private static void check(CommandSpec spec, boolean ok, String message) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
