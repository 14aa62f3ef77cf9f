package lb.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import lb.analysis.cli.Cli;
import lb.analysis.live.BalancerClient;
import lb.analysis.report.Report;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool end to end against a real in-process balancer (process runtime, port 0): {@code all} once, then what
 * it wrote is checked: every experiment's counts sum to the requests sent, N is what was set, every chart is a valid
 * PNG of non-trivial size, the report links only files that exist, the pool is put back, and offline a1 routes every
 * request id to the same server as the live balancer did.
 */
class AnalysisToolTest {

    static final int REQUESTS = 300;
    static final String SEED = "7";

    @TempDir
    static Path out;
    @TempDir
    static Path offline;
    static LiveBalancer balancer;
    static String output;

    @BeforeAll
    static void runEverything() throws Exception {
        balancer = new LiveBalancer(3);
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int code = Cli.run(new String[] {"all", "--url", balancer.url(), "--requests", Integer.toString(REQUESTS),
                "--concurrency", "16", "--seed", SEED, "--out", out.toString(), "--process"},
                new PrintWriter(stdout, true), new PrintWriter(stderr, true));
        output = stdout.toString();
        assertEquals(0, code, stderr + "\n" + output);
    }

    @AfterAll
    static void stop() {
        if (balancer != null) {
            balancer.close();
        }
    }

    /** The rows of a CSV file (header dropped), each split at commas (the checked columns hold no commas). */
    static List<String[]> rows(Path file) throws IOException {
        return Files.readAllLines(file).stream().skip(1).map(line -> line.split(",", -1)).toList();
    }

    static Map<String, Integer> sums(List<String[]> rows, int keyColumn, int countColumn) {
        Map<String, Integer> sums = new HashMap<>();
        rows.forEach(r -> sums.merge(r[keyColumn], Integer.parseInt(r[countColumn]), Integer::sum));
        return sums;
    }

    @Test
    void a1WritesOneRowPerRequestAndPerServerCountsThatSumToThem() throws IOException {
        List<String[]> requests = rows(out.resolve("a1/requests.csv"));
        assertEquals(REQUESTS, requests.size());
        assertTrue(requests.stream().allMatch(r -> r[3].equals("200")), "every request answered 200");
        assertEquals(3, requests.stream().map(r -> r[2]).distinct().count(), "N = 3 servers answered");
        List<String[]> servers = rows(out.resolve("a1/servers.csv"));
        assertEquals(3, servers.size());
        assertEquals(REQUESTS, servers.stream().mapToInt(r -> Integer.parseInt(r[2])).sum());
    }

    @Test
    void a2AndA4CountsSumToTheRequestsForEveryN() throws IOException {
        for (String file : new String[] {"a2/loads.csv", "a4/loads.csv"}) {
            List<String[]> rows = rows(out.resolve(file));
            Map<String, Integer> perRun = new HashMap<>();
            Map<String, Integer> servers = new HashMap<>();
            rows.forEach(r -> {
                perRun.merge(r[0] + " " + r[1], Integer.parseInt(r[3]), Integer::sum);
                servers.merge(r[0] + " " + r[1], 1, Integer::sum);
            });
            perRun.forEach((run, sum) -> assertEquals(REQUESTS, sum, file + " " + run));
            servers.forEach((run, n) -> assertEquals(run.substring(run.indexOf(' ') + 1), n.toString(),
                    file + ": N servers listed for " + run));
            assertEquals(file.startsWith("a2") ? 5 : 15, perRun.size(), file);
        }
    }

    @Test
    void strategiesAndRegionsCountsSumToTheRequestsOfEachVariant() throws IOException {
        Map<String, Integer> strategies = new HashMap<>();
        rows(out.resolve("strategies/replicas.csv")).forEach(r ->
                strategies.merge(r[0] + " " + r[1], Integer.parseInt(r[3]), Integer::sum));
        assertEquals(16, strategies.size(), "8 strategies on 2 replica sets: " + strategies.keySet());
        strategies.forEach((run, sum) -> assertEquals(REQUESTS, sum, run));
        Map<String, Integer> replicasPerSet = new HashMap<>();
        rows(out.resolve("strategies/replicas.csv")).stream().filter(r -> r[1].equals("round-robin"))
                .forEach(r -> replicasPerSet.merge(r[0], 1, Integer::sum));
        assertEquals(Map.of("equal", 5, "unequal", 5), replicasPerSet);
        sums(rows(out.resolve("regions/replicas.csv")), 0, 2).forEach((variant, sum) ->
                assertEquals(REQUESTS, sum, "regions " + variant));
    }

    @Test
    void adaptiveRoundsSendAHundredRequestsEach() throws IOException {
        Map<String, Integer> perRound = new HashMap<>();
        rows(out.resolve("adaptive/rounds.csv")).forEach(r ->
                perRound.merge(r[0] + " " + r[1], Integer.parseInt(r[3]), Integer::sum));
        assertTrue(perRound.size() >= 12 * 5, perRound.keySet().toString());
        perRound.forEach((round, sum) -> assertEquals(100, sum, round));
        assertTrue(output.matches("(?s).*drift1: avg=\\d+\\.\\d\\d ms, requests=\\d+.*"), "rounds printed as they go");
    }

    @Test
    void a3ChecksEveryEndpointAndMeasuresTheKill() throws IOException {
        List<String[]> endpoints = rows(out.resolve("a3/endpoints.csv"));
        assertTrue(endpoints.size() >= 15);
        String section = Files.readString(out.resolve("a3/section.md"));
        assertTrue(section.contains(endpoints.size() + " of " + endpoints.size() + " endpoint checks"), section);
        int timeline = rows(out.resolve("a3/timeline.csv")).stream()
                .mapToInt(r -> Integer.parseInt(r[1]) + Integer.parseInt(r[2])).sum();
        assertTrue(section.contains("| requests sent | " + timeline + " |"), "timeline sums to the sent requests");
        assertTrue(section.matches("(?s).*out of service after \\| \\d+ ms.*"), section);
        assertTrue(section.matches("(?s).*replacement serves its key after \\| \\d+ ms.*"), section);
    }

    @Test
    void everyChartIsAValidPngOfNonTrivialSize() throws IOException {
        List<Path> charts;
        try (Stream<Path> files = Files.walk(out)) {
            charts = files.filter(p -> p.toString().endsWith(".png")).toList();
        }
        assertTrue(charts.size() >= 15, charts.toString());
        for (Path chart : charts) {
            byte[] bytes = Files.readAllBytes(chart);
            assertTrue(bytes.length > 10_000, chart + " is " + bytes.length + " bytes");
            assertTrue(Arrays.equals(Arrays.copyOf(bytes, 8),
                    new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}), chart + " is not a PNG");
            BufferedImage image = ImageIO.read(chart.toFile());
            assertEquals(1000, image.getWidth(), chart.toString());
        }
    }

    @Test
    void theReportEmbedsEveryChartAndLinksOnlyFilesThatExist() throws IOException {
        String report = Files.readString(out.resolve(Report.FILE));
        List<String> links = Report.fileLinks(report);
        assertTrue(links.size() >= 25, links.toString());
        for (String link : links) {
            assertTrue(Files.isRegularFile(out.resolve(link)), "report links a missing file: " + link);
        }
        try (Stream<Path> files = Files.walk(out)) {
            files.filter(p -> p.toString().endsWith(".png")).map(p -> out.relativize(p).toString())
                    .forEach(png -> assertTrue(links.contains(png), "chart not in the report: " + png));
        }
        for (String experiment : Report.ORDER) {
            assertTrue(Files.isRegularFile(out.resolve(experiment).resolve("section.md")), experiment);
        }
    }

    @Test
    void thePoolAndStrategyAreRestoredAfterwards() {
        BalancerClient client = new BalancerClient(java.net.URI.create(balancer.url()));
        assertEquals(List.of("Server1", "Server2", "Server3"), client.replicas());
        assertEquals("consistent-hash", client.strategy().get("name"));
        assertEquals("mixed", client.strategy().get("hash"));
    }

    @Test
    void offlineA1RoutesEveryRequestIdToTheSameServerAsTheLiveBalancer() throws IOException {
        int code = Cli.run(new String[] {"a1", "--offline", "--requests", Integer.toString(REQUESTS), "--seed", SEED,
                "--out", offline.toString()}, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        assertEquals(0, code);
        List<String[]> live = rows(out.resolve("a1/requests.csv"));
        List<String[]> simulated = rows(offline.resolve("a1/requests.csv"));
        assertEquals(live.size(), simulated.size());
        for (int i = 0; i < live.size(); i++) {
            assertEquals(live.get(i)[0], simulated.get(i)[0], "request id of row " + i);
            assertEquals(live.get(i)[2], simulated.get(i)[2], "server of request " + live.get(i)[0]);
        }
    }
}
