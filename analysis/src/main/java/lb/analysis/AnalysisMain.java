package lb.analysis;

import java.io.PrintWriter;
import lb.analysis.cli.Cli;

/**
 * {@code java -jar analysis.jar <experiment> [options]}: replays the experiments of SPEC §6 against a live balancer
 * or offline on the simulator, writing CSVs, charts and a Markdown report. See {@link Cli}.
 */
public final class AnalysisMain {

    private AnalysisMain() {}

    public static void main(String[] args) {
        System.exit(Cli.run(args, new PrintWriter(System.out, true),
                new PrintWriter(System.err, true)));
    }
}
