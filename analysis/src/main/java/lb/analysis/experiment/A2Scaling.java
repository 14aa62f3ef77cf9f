package lb.analysis.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lb.analysis.live.PoolSetup;
import lb.analysis.report.Charts;
import lb.analysis.report.Csv;
import lb.analysis.report.Section;
import lb.analysis.report.Table;
import org.knowm.xchart.XYChart;

/**
 * N = 2..6 servers, {@code --requests} requests each (the same seeded ids): the mean load per server with the
 * most and least loaded server, and the spread (max/mean) per N. Writes {@code loads.csv}, {@code summary.csv} and
 * {@code load-by-n.png}.
 */
public final class A2Scaling implements Experiment {

    static final int FROM = 2;
    static final int TO = 6;

    @Override
    public String name() {
        return "a2";
    }

    /** One run per N for {@code preset}, live (resizing the pool) or offline. */
    static Map<Integer, RingRun> runs(Lab lab, PoolSetup setup, String preset, long[] keys) {
        Map<Integer, RingRun> runs = new LinkedHashMap<>();
        for (int n = FROM; n <= TO; n++) {
            runs.put(n, lab.offline() ? RingRun.offline(preset, n, keys)
                    : RingRun.live(lab, setup, A1LoadPerServer.hashingStrategy(lab.settings()), preset, n, keys));
        }
        return runs;
    }

    @Override
    public Section run(Lab lab) {
        Settings s = lab.settings();
        long[] keys = Workload.keys(s.seed(), s.requests());
        long started = System.nanoTime();
        Map<Integer, RingRun> runs;
        if (lab.offline()) {
            runs = runs(lab, null, s.hash(), keys);
        } else {
            try (PoolSetup setup = lab.setup()) {
                runs = runs(lab, setup, s.hash(), keys);
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Path dir = lab.dir(name());
        writeLoads(dir.resolve("loads.csv"), runs);
        try (Csv csv = Csv.create(dir.resolve("summary.csv"), "n", "mean", "max", "min", "spread", "failed",
                "off_ring")) {
            runs.forEach((n, run) -> csv.row(n, mean(run), max(run), min(run), run.spread(), run.failed(),
                    run.offRing()));
        }
        XYChart chart = Charts.lines("A-2: load per server as N grows (" + s.requests() + " requests, hash "
                + s.hash() + ")", "N (servers)", "requests per server");
        List<Integer> ns = new ArrayList<>(runs.keySet());
        chart.addSeries("max", ns, runs.values().stream().map(A2Scaling::max).toList());
        chart.addSeries("mean", ns, runs.values().stream().map(A2Scaling::mean).toList());
        chart.addSeries("min", ns, runs.values().stream().map(A2Scaling::min).toList());
        Charts.save(chart, dir.resolve("load-by-n.png"));

        Table table = new Table("N", "mean", "max", "min", "spread (max/mean)", "failed", "not on their ring server");
        runs.forEach((n, run) -> table.row(n, Table.num(mean(run), 0), max(run), min(run),
                Table.num(run.spread(), 2), run.failed(), run.offRing()));
        int offRing = runs.values().stream().mapToInt(RingRun::offRing).sum();
        RingRun worst = runs.values().stream().max(java.util.Comparator.comparingDouble(RingRun::spread)).orElseThrow();
        RingRun best = runs.values().stream().min(java.util.Comparator.comparingDouble(RingRun::spread)).orElseThrow();
        String md = "## A-2: scaling N = 2..6\n\n" + lab.provenance()
                + "The same " + s.requests() + " seeded ids for every N, hash preset `" + s.hash() + "`"
                + (lab.offline() ? "" : "; the pool is resized through `/add` and `/rm` between runs") + ".\n\n"
                + "![load by N](a2/load-by-n.png)\n\n" + table.markdown() + "\n"
                + "**Reading.** The mean falls as 1/N, as it must. The spread is the ring's: with 9 virtual nodes per "
                + "server the arcs are uneven, from " + Table.num(best.spread(), 2) + "× the mean (N = " + best.n()
                + ") to " + Table.num(worst.spread(), 2) + "× (N = " + worst.n() + "). Adding a server moves "
                + "only the keys of the arcs it takes, so the loads change by steps, not smoothly. "
                + (offRing == 0 ? "Every request went to the server the ring assigns its id. "
                : offRing + " requests in all went to another server than the ring assigns: the balancer moves a key "
                + "clockwise while its replica is suspect (a heartbeat missed on a busy machine) or refuses a "
                + "connection, so a live run can stray from the ring where the simulator cannot. ") + "Took "
                + Table.num(seconds, 2) + " s.\n\n"
                + "Files: [loads.csv](a2/loads.csv), [summary.csv](a2/summary.csv).\n";
        return new Section(name(), md);
    }

    static void writeLoads(Path file, Map<Integer, RingRun> runs) {
        try (Csv csv = Csv.create(file, "preset", "n", "server_id", "requests", "share", "predicted_share")) {
            runs.forEach((n, run) -> run.counts().forEach((id, count) -> csv.row(run.preset(), n, id, count,
                    count / (double) run.keys().length, run.predictedShare(id))));
        }
    }

    static double mean(RingRun run) {
        return run.counts().values().stream().mapToInt(Integer::intValue).average().orElse(0);
    }

    static int max(RingRun run) {
        return run.counts().values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    static int min(RingRun run) {
        return run.counts().values().stream().mapToInt(Integer::intValue).min().orElse(0);
    }
}
