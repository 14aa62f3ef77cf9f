package lb.analysis.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import lb.analysis.experiment.Experiment;
import lb.analysis.experiment.Lab;
import lb.analysis.experiment.Settings;
import lb.analysis.report.Report;
import lb.analysis.report.Section;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * One subcommand: runs its experiments (one, or every one for {@code all}) in one lab, then rebuilds the report.
 * Experiments that need a live balancer are skipped by {@code all --offline} and refused by their own subcommand.
 */
@Command(mixinStandardHelpOptions = true, sortOptions = false)
final class RunCommand implements Callable<Integer> {

    /** An experiment and whether it can run on the simulator. */
    record Entry(Experiment experiment, boolean offline) {}

    @Mixin
    Options options;

    @Spec
    CommandSpec spec;

    private final List<Entry> experiments;
    private final String commandLine;

    RunCommand(List<Entry> experiments, String commandLine) {
        this.experiments = experiments;
        this.commandLine = commandLine;
    }

    @Override
    public Integer call() {
        Settings settings = options.settings(spec, commandLine);
        List<Entry> runnable = experiments.stream().filter(e -> !settings.offline() || e.offline()).toList();
        if (runnable.isEmpty()) {
            throw new ParameterException(spec.commandLine(), spec.name() + " needs a live balancer: it cannot run "
                    + "--offline");
        }
        ConsoleProgress progress = ConsoleProgress.forConsole(spec.commandLine().getOut());
        Path report = null;
        try (Lab lab = settings.offline() ? Lab.offline(settings, progress) : Lab.live(settings, progress)) {
            for (Entry entry : runnable) {
                long started = System.nanoTime();
                progress.say("== " + entry.experiment().name() + (settings.offline() ? " (offline)" : " (live, "
                        + settings.url() + ")"));
                Section section = entry.experiment().run(lab);
                report = Report.write(settings.out(), section);
                progress.say(String.format(java.util.Locale.ROOT, "%s done in %.2f s: %s",
                        entry.experiment().name(), (System.nanoTime() - started) / 1e9,
                        settings.out().resolve(entry.experiment().name())));
            }
        }
        progress.say("report: " + report);
        return 0;
    }
}
