package lb.analysis.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line's contract: exit 2 and one clear line for bad options and an absent balancer; help for all. */
class CliTest {

    @TempDir
    Path out;

    private record Ran(int code, String out, String err) {}

    private static Ran run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Ran(code, out.toString(), err.toString());
    }

    private static void assertOneLine(Ran ran, String contains) {
        assertEquals(2, ran.code(), ran.err());
        assertEquals(1, ran.err().strip().lines().count(), ran.err());
        assertTrue(ran.err().contains(contains), ran.err());
        assertFalse(ran.err().contains("\tat "), "no stack trace: " + ran.err());
    }

    @Test
    void aBadOptionIsOneLineAndExitCode2() {
        assertOneLine(run("a1", "--requests", "lots"), "--requests");
        assertOneLine(run("a1", "--requests", "0"), "--requests must be from 1");
        assertOneLine(run("a1", "--hash", "md5"), "unknown preset 'md5'; valid: mixed, assignment, assignment-variant");
        assertOneLine(run("strategies", "--strategy", "fastest"), "unknown strategy 'fastest'");
        assertOneLine(run("a1", "--no-such-option"), "--no-such-option");
        assertOneLine(run("a3", "--docker", "--process"), "mutually exclusive");
        assertOneLine(run("a3", "--offline"), "a3 needs a live balancer");
        assertOneLine(run("nonsense"), "nonsense");
        assertOneLine(run(), "name an experiment");
    }

    @Test
    void anUnreachableBalancerIsOneLineAndExitCode2() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Ran ran = run("a1", "--url", "http://127.0.0.1:" + port, "--out", out.toString());
        assertOneLine(ran, "no balancer at http://127.0.0.1:" + port);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a1", "a2", "a3", "a4", "strategies", "adaptive", "regions", "all"})
    void everySubcommandHasHelp(String subcommand) {
        Ran ran = run(subcommand, "--help");
        assertEquals(0, ran.code());
        for (String option : new String[] {"--url", "--requests", "--concurrency", "--rate", "--seed", "--hash",
                "--strategy", "--out", "--offline", "--docker", "--process"}) {
            assertTrue(ran.out().contains(option), subcommand + " --help lacks " + option + ":\n" + ran.out());
        }
    }

    @Test
    void offlineRingExperimentsWriteTheirReport() {
        Ran ran = run("a1", "--offline", "--requests", "500", "--out", out.toString());
        assertEquals(0, ran.code(), ran.err());
        assertTrue(out.resolve("report.md").toFile().isFile());
        assertTrue(out.resolve("a1/requests.csv").toFile().isFile());
    }
}
