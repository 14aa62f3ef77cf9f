package lb.analysis.cli;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;
import lb.analysis.experiment.Progress;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress on the console: a progress bar (on stderr) when a person watches a terminal, plain lines at every tenth
 * of a task of 1,000 steps or more when the output goes to a file or a pipe, so logs stay readable.
 */
final class ConsoleProgress implements Progress {

    /** Smaller tasks print no progress lines: they end before anyone would read them. */
    static final long PLAIN_LINES_FROM = 1_000;

    private final PrintWriter out;
    private final boolean terminal;

    ConsoleProgress(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** A terminal when the JVM has an interactive console. */
    static ConsoleProgress forConsole(PrintWriter out) {
        java.io.Console console = System.console();
        return new ConsoleProgress(out, console != null && isTerminal(console));
    }

    private static boolean isTerminal(java.io.Console console) {
        try { // Java 22+: a console may exist without a terminal
            return (boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    @Override
    public Task start(String name, long total) {
        if (terminal) {
            ProgressBar bar = new ProgressBarBuilder().setTaskName(name).setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(100).continuousUpdate()
                    .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).build();
            return new Task() {
                @Override
                public void step() {
                    bar.step();
                }

                @Override
                public void close() {
                    bar.close();
                }
            };
        }
        AtomicLong done = new AtomicLong();
        long every = Math.max(1, total / 10);
        return new Task() {
            @Override
            public void step() {
                long now = done.incrementAndGet();
                if (total >= PLAIN_LINES_FROM && (now % every == 0 || now == total)) {
                    out.println(name + ": " + now + "/" + total);
                }
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public void say(String line) {
        out.println(line);
    }
}
