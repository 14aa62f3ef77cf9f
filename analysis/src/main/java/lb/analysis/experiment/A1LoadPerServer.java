package lb.analysis.experiment;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import lb.analysis.live.PoolSetup;
import lb.analysis.report.Charts;
import lb.analysis.report.Csv;
import lb.analysis.report.Section;
import lb.analysis.report.Table;
import lb.balancer.routing.Strategies;
import org.knowm.xchart.CategoryChart;

/**
 * {@code --requests} (10,000) requests with seeded 6-digit ids over N = 3 servers: requests per server against
 * the share the ring predicts from its slots. Writes {@code requests.csv} (one row per request),
 * {@code servers.csv} and {@code requests-per-server.png}.
 */
public final class A1LoadPerServer implements Experiment {

    static final int N = 3;

    @Override
    public String name() {
        return "a1";
    }

    /** The hashing strategy the ring experiments use: {@code --strategy} when it hashes, else consistent hashing. */
    static String hashingStrategy(Settings settings) {
        return settings.strategy() != null && Strategies.hashingNames().contains(settings.strategy())
                ? settings.strategy() : "consistent-hash";
    }

    @Override
    public Section run(Lab lab) {
        Settings s = lab.settings();
        long[] keys = Workload.keys(s.seed(), s.requests());
        long started = System.nanoTime();
        RingRun run;
        if (lab.offline()) {
            run = RingRun.offline(s.hash(), N, keys);
        } else {
            try (PoolSetup setup = lab.setup()) {
                run = RingRun.live(lab, setup, hashingStrategy(s), s.hash(), N, keys);
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Path dir = lab.dir(name());
        writeRequests(dir.resolve("requests.csv"), run);
        writeServers(dir.resolve("servers.csv"), run);
        CategoryChart chart = Charts.bars("A-1: requests per server (N = 3, " + s.requests() + " requests, hash "
                + s.hash() + ")", "server", "requests");
        Map<Integer, Integer> counts = run.counts();
        List<String> names = counts.keySet().stream().map(id -> "Server" + id).toList();
        chart.addSeries("observed", names, List.copyOf(counts.values()));
        chart.addSeries("ring prediction", names, counts.keySet().stream()
                .map(id -> Math.round(run.predictedShare(id) * s.requests())).toList());
        Charts.save(chart, dir.resolve("requests-per-server.png"));
        return new Section(name(), section(lab, run, seconds));
    }

    static void writeRequests(Path file, RingRun run) {
        try (Csv csv = Csv.create(file, "request_id", "replica", "server_id", "status", "latency_ms", "preset", "n")) {
            for (int i = 0; i < run.keys().length; i++) {
                csv.row(run.keys()[i], run.replicas()[i], run.served()[i] == 0 ? null : run.served()[i],
                        run.status()[i] == 0 ? null : run.status()[i], run.latencyMs()[i], run.preset(), run.n());
            }
        }
    }

    static void writeServers(Path file, RingRun run) {
        int total = run.keys().length;
        try (Csv csv = Csv.create(file, "server_id", "replica", "requests", "share", "predicted_share",
                "slots_owned")) {
            run.counts().forEach((id, count) -> csv.row(id, "Server" + id, count, count / (double) total,
                    run.predictedShare(id), run.quality().servers().stream().filter(q -> q.serverId() == id)
                            .findFirst().map(q -> q.slotsOwned()).orElse(0)));
        }
    }

    private String section(Lab lab, RingRun run, double seconds) {
        int total = run.keys().length;
        Table table = new Table("server", "requests", "share", "ring predicts", "slots owned");
        run.counts().forEach((id, count) -> table.row("Server" + id, count, Table.percent(count / (double) total),
                Table.percent(run.predictedShare(id)), run.quality().servers().stream()
                        .filter(q -> q.serverId() == id).findFirst().map(q -> q.slotsOwned()).orElse(0)));
        double worstGap = run.counts().entrySet().stream()
                .mapToDouble(e -> Math.abs(e.getValue() / (double) total - run.predictedShare(e.getKey())))
                .max().orElse(0);
        StringBuilder md = new StringBuilder("## A-1: load per server (N = 3)\n\n").append(lab.provenance());
        md.append(total).append(" requests with seeded 6-digit ids, hash preset `").append(run.preset())
                .append("`, ").append(lab.offline() ? "routed by the ring offline" : "sent to the balancer (")
                .append(lab.offline() ? "" : loadLine(run)).append(lab.offline() ? "" : ")").append(".\n\n");
        md.append("![requests per server](a1/requests-per-server.png)\n\n").append(table.markdown()).append('\n');
        md.append("**Reading.** The busiest server takes ").append(Table.num(run.spread(), 2))
                .append("× the mean. The ring predicts each share from the slots it owns and the ids that land there; ")
                .append("the observed shares are within ").append(Table.num(100 * worstGap, 1))
                .append(" points of it, so the skew is the ring's layout (9 virtual nodes per server cover 512 slots ")
                .append("in arcs of uneven length), not chance. ")
                .append(run.offRing() == 0 ? "Every request went to the server the ring assigns its id. "
                        : run.offRing() + " requests went to another server than the ring assigns (the balancer moves "
                        + "a key clockwise while its replica is suspect or refuses a connection). ").append(run.failed() == 0 ? "No request failed. "
                        : run.failed() + " requests failed. ")
                .append("The experiment took ").append(Table.num(seconds, 2)).append(" s.\n\n");
        md.append("Files: [requests.csv](a1/requests.csv) (one row per request), [servers.csv](a1/servers.csv).\n");
        return md.toString();
    }

    static String loadLine(RingRun run) {
        var load = run.load();
        return String.format(java.util.Locale.ROOT, "%d requests in %.2f s, %.0f req/s, p50 %.2f ms, p99 %.2f ms, "
                        + "%d errors%s", load.sent(), load.wallNanos() / 1e9, load.throughput(), load.percentileMillis(50), load.percentileMillis(99), load.failed(),
                load.errors().isEmpty() ? "" : " " + load.errors());
    }
}
