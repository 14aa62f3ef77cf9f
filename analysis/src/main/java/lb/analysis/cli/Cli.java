package lb.analysis.cli;

import java.io.PrintWriter;
import java.util.List;
import lb.analysis.experiment.A1LoadPerServer;
import lb.analysis.experiment.A2Scaling;
import lb.analysis.experiment.A3Failure;
import lb.analysis.experiment.A4HashPresets;
import lb.analysis.experiment.AdaptiveExperiment;
import lb.analysis.experiment.RegionsExperiment;
import lb.analysis.experiment.StrategiesExperiment;
import lb.analysis.live.BalancerUnreachableException;
import lb.analysis.cli.RunCommand.Entry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The command line: one subcommand per experiment and {@code all}. Exit codes: 0 done; 2 a bad option or a balancer
 * that does not answer (one line on stderr, no stack trace); 1 an experiment that failed (one line saying why).
 */
@Command(name = "analysis", mixinStandardHelpOptions = true, version = "analysis 0.1.0",
        description = "Replays the load-balancer experiments live (against a balancer) or --offline (simulator), "
                + "writing CSVs, PNG charts and report.md.",
        footer = "Run 'analysis <experiment> --help' for the options; 'analysis load' runs the load generator alone.")
public final class Cli implements Runnable {

    private static final Entry A1 = new Entry(new A1LoadPerServer(), true);
    private static final Entry A2 = new Entry(new A2Scaling(), true);
    private static final Entry A3 = new Entry(new A3Failure(), false);
    private static final Entry A4 = new Entry(new A4HashPresets(), true);
    private static final Entry STRATEGIES = new Entry(new StrategiesExperiment(), true);
    private static final Entry ADAPTIVE = new Entry(new AdaptiveExperiment(), true);
    private static final Entry REGIONS = new Entry(new RegionsExperiment(), true);

    @CommandLine.Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name an experiment: a1, a2, a3, a4, "
                + "strategies, adaptive, regions or all");
    }

    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        String command = "java -jar analysis.jar " + String.join(" ", args);
        CommandLine cli = new CommandLine(new Cli());
        add(cli, "a1", "A-1: 10,000 requests at N = 3, requests per server against the ring's prediction.", command, A1);
        add(cli, "a2", "A-2: N = 2..6, load per server with max, min and spread per N.", command, A2);
        add(cli, "a3", "A-3: every endpoint exercised, then a replica killed under load: failures, detection, "
                + "recovery (live only).", command, A3);
        add(cli, "a4", "A-4: A-1 and A-2 for every hash preset side by side.", command, A4);
        add(cli, "strategies", "Every routing strategy on the same workload, equal and unequal replicas.", command,
                STRATEGIES);
        add(cli, "adaptive", "Drifting replica latency; rounds of 100 concurrent requests per strategy.", command,
                ADAPTIVE);
        add(cli, "regions", "Regions of different latency and size: strategies against client-side targeting.",
                command, REGIONS);
        add(cli, "all", "Every experiment in turn (with --offline: those the simulator can run).", command,
                A1, A2, A3, A4, STRATEGIES, ADAPTIVE, REGIONS);
        cli.addSubcommand("load", new LoadCommand());
        cli.setOut(out).setErr(err);
        cli.setParameterExceptionHandler((e, given) -> {
            e.getCommandLine().getErr().println("analysis: " + e.getMessage() + " (see "
                    + e.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            commandLine.getErr().println("analysis: " + oneLine(e));
            return e instanceof BalancerUnreachableException ? 2 : 1;
        });
        return cli.execute(args);
    }

    private static void add(CommandLine cli, String name, String description, String command, Entry... entries) {
        CommandLine sub = new CommandLine(new RunCommand(List.of(entries), command));
        sub.getCommandSpec().usageMessage().description(description);
        cli.addSubcommand(name, sub);
    }

    /** The exception's message, or its cause's when it only wraps one; never a stack trace. */
    static String oneLine(Throwable e) {
        Throwable shown = e;
        while (shown.getMessage() == null && shown.getCause() != null) {
            shown = shown.getCause();
        }
        String message = shown.getMessage() == null ? shown.getClass().getSimpleName() : shown.getMessage();
        return message.replaceAll("\\s*\\R\\s*", " ");
    }
}
