package lb.analysis.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import lb.analysis.live.PoolSetup;
import lb.analysis.live.PoolSetup.Group;
import lb.analysis.live.Profile;
import lb.analysis.live.ReplicaInfo;
import lb.analysis.load.LoadResult;
import lb.analysis.report.Charts;
import lb.analysis.report.Csv;
import lb.analysis.report.Section;
import lb.analysis.report.Table;
import lb.analysis.sim.Simulation;
import lb.balancer.replica.Replica;
import lb.balancer.routing.Picker;
import lb.balancer.routing.Strategies;
import org.HdrHistogram.Histogram;
import org.knowm.xchart.CategoryChart;

/**
 * Every routing strategy on the same workload (the same seeded ids), on two replica sets: five equal replicas, and
 * five of unequal latency (2 at 5 ms, 2 at 20 ms, 1 at 80 ms), where the strategies that measure can show what they
 * are worth. Writes {@code strategies.csv}, {@code replicas.csv} and the charts {@code latency-<set>.png},
 * {@code throughput.png}, {@code spread.png}.
 */
public final class StrategiesExperiment implements Experiment {

    /** A replica set: its groups, and the latency the simulator models for each group. */
    record ReplicaSet(String name, List<Group> groups) {}

    static final List<ReplicaSet> SETS = List.of(
            new ReplicaSet("equal", List.of(new Group(5, "eq", Profile.DEFAULT))),
            new ReplicaSet("unequal", List.of(new Group(2, "fast", new Profile("default", 5, 1, 0, 0)),
                    new Group(2, "mid", new Profile("default", 20, 2, 0, 0)),
                    new Group(1, "slow", new Profile("default", 80, 5, 0, 0)))));

    /** The simulator's stand-in for a replica without added latency: about what one costs here, live. */
    static final long BARE_NANOS = 500_000;

    @Override
    public String name() {
        return "strategies";
    }

    static List<String> strategies(Settings s) {
        return s.strategy() == null ? Strategies.names() : List.of(s.strategy());
    }

    @Override
    public Section run(Lab lab) {
        Settings s = lab.settings();
        List<StrategyRun> runs = new ArrayList<>();
        for (ReplicaSet set : SETS) {
            if (lab.offline()) {
                for (String strategy : strategies(s)) {
                    runs.add(simulate(s, set, strategy));
                }
            } else {
                try (PoolSetup setup = lab.setup()) {
                    List<String> names = setup.use(set.groups()).stream().map(ReplicaInfo::name).toList();
                    lab.warmUp(set.name() + " replicas");
                    for (String strategy : strategies(s)) {
                        lab.client().useStrategy(strategy);
                        LoadResult load = lab.send(set.name() + " " + strategy,
                                Workload.home(Workload.keys(s.seed(), s.requests())), lab.plan());
                        runs.add(StrategyRun.of(set.name(), strategy, load, names));
                    }
                }
            }
        }
        Path dir = lab.dir(name());
        write(dir, runs);
        return new Section(name(), section(lab, runs));
    }

    /** The set on the simulator: ids 1..n in group order, open-loop arrivals that keep about C requests in flight. */
    static StrategyRun simulate(Settings s, ReplicaSet set, String strategy) {
        Simulation sim = new Simulation(s.seed());
        List<Replica> live = new ArrayList<>();
        List<Long> latency = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Group group : set.groups()) {
            for (int i = 1; i <= group.count(); i++) {
                int id = live.size() + 1;
                live.add(new Replica(group.prefix() + i, id, "10.0.0." + id, 5000, group.profile().region()));
                latency.add(group.profile().latencyMs() == 0 ? BARE_NANOS : group.profile().latencyMs() * Simulation.MS);
                names.add(group.prefix() + i);
            }
        }
        double meanLatency = latency.stream().mapToLong(Long::longValue).average().orElse(BARE_NANOS);
        long interval = Math.max(1, Math.round(meanLatency / s.concurrency()));
        Picker picker = Strategies.create(strategy, Map.of(), sim.context()).picker(live);
        Histogram histogram = new Histogram(3_600_000_000L, 3);
        LongSupplier keys = Simulation.uniformKeys(s.seed());
        Map<Replica, Integer> sent = sim.steady(picker, live, s.requests(), interval, keys,
                replica -> latency.get(replica.id() - 1),
                (picked, before) -> histogram.recordValue(sim.lastLatencyNanos() / 1_000));
        Map<String, Integer> per = new TreeMap<>();
        sent.forEach((replica, count) -> per.put(replica.name(), count));
        return new StrategyRun(set.name(), strategy, s.requests(), Double.NaN, histogram, 0, per);
    }

    private static void write(Path dir, List<StrategyRun> runs) {
        try (Csv csv = Csv.create(dir.resolve("strategies.csv"), "replicas", "strategy", "requests", "throughput_rps",
                "mean_ms", "p50_ms", "p99_ms", "p999_ms", "errors", "error_rate", "spread")) {
            runs.forEach(r -> csv.row(r.workload(), r.strategy(), r.requests(), r.throughput(), r.meanMs(),
                    r.percentileMs(50), r.percentileMs(99), r.percentileMs(99.9), r.errors(), r.errorRate(),
                    r.spread()));
        }
        try (Csv csv = Csv.create(dir.resolve("replicas.csv"), "replicas", "strategy", "replica", "requests")) {
            runs.forEach(r -> r.perReplica().forEach((name, count) -> csv.row(r.workload(), r.strategy(), name, count)));
        }
        for (ReplicaSet set : SETS) {
            List<StrategyRun> of = runs.stream().filter(r -> r.workload().equals(set.name())).toList();
            List<String> names = of.stream().map(StrategyRun::strategy).toList();
            CategoryChart latency = Charts.bars("Latency by strategy, " + set.name() + " replicas", "strategy", "ms");
            latency.addSeries("p50", names, of.stream().map(r -> r.percentileMs(50)).toList());
            latency.addSeries("p99", names, of.stream().map(r -> r.percentileMs(99)).toList());
            latency.addSeries("p99.9", names, of.stream().map(r -> r.percentileMs(99.9)).toList());
            latency.getStyler().setXAxisLabelRotation(20);
            latency.getStyler().setLabelsVisible(false);
            Charts.save(latency, dir.resolve("latency-" + set.name() + ".png"));
        }
        List<String> strategies = runs.stream().map(StrategyRun::strategy).distinct().toList();
        CategoryChart spread = Charts.bars("Spread (max/mean requests per replica) by strategy", "strategy",
                "max / mean");
        CategoryChart throughput = Charts.bars("Throughput by strategy", "strategy", "requests per second");
        boolean live = runs.stream().noneMatch(r -> Double.isNaN(r.throughput()));
        for (ReplicaSet set : SETS) {
            List<StrategyRun> of = runs.stream().filter(r -> r.workload().equals(set.name())).toList();
            spread.addSeries(set.name(), strategies, of.stream().map(StrategyRun::spread).toList());
            if (live) {
                throughput.addSeries(set.name(), strategies, of.stream().map(StrategyRun::throughput).toList());
            }
        }
        spread.getStyler().setXAxisLabelRotation(20);
        spread.getStyler().setYAxisDecimalPattern("#0.00");
        throughput.getStyler().setXAxisLabelRotation(20);
        throughput.getStyler().setLabelsVisible(false);
        Charts.save(spread, dir.resolve("spread.png"));
        if (live) {
            Charts.save(throughput, dir.resolve("throughput.png"));
        }
    }

    private String section(Lab lab, List<StrategyRun> runs) {
        Settings s = lab.settings();
        StringBuilder md = new StringBuilder("## Strategies: every routing strategy on the same workload\n\n")
                .append(lab.provenance());
        md.append(s.requests()).append(" requests per strategy (the same seeded ids), ")
                .append(lab.offline() ? "open-loop arrivals on the simulator keeping about " + s.concurrency()
                        + " requests in flight" : (s.rate() > 0 ? "open loop at " + s.rate() + " req/s"
                        : "closed loop, " + s.concurrency() + " connections"))
                .append(". Replica sets: **equal** (5 replicas, no added latency) and **unequal** (2 at 5 ms, 2 at ")
                .append("20 ms, 1 at 80 ms)")
                .append(lab.offline() ? "" : "; each set is started fresh and warmed up with " + lab.warmUpRequests()
                        + " unmeasured round-robin requests")
                .append(".\n\n");
        boolean live = runs.stream().noneMatch(r -> Double.isNaN(r.throughput()));
        for (ReplicaSet set : SETS) {
            Table table = new Table("strategy", "throughput (req/s)", "mean ms", "p50 ms", "p99 ms", "p99.9 ms",
                    "errors", "spread");
            List<StrategyRun> of = runs.stream().filter(r -> r.workload().equals(set.name())).toList();
            of.forEach(r -> table.row(r.strategy(), live ? Table.num(r.throughput(), 0) : "n/a",
                    Table.num(r.meanMs(), 2), Table.num(r.percentileMs(50), 2), Table.num(r.percentileMs(99), 2),
                    Table.num(r.percentileMs(99.9), 2), Table.percent(r.errorRate()), Table.num(r.spread(), 2)));
            md.append("### ").append(set.name()).append(" replicas\n\n![latency](strategies/latency-")
                    .append(set.name()).append(".png)\n\n").append(table.markdown()).append('\n');
        }
        if (live) {
            md.append("![throughput](strategies/throughput.png)\n\n");
        }
        md.append("![spread](strategies/spread.png)\n\n");
        md.append("**Reading.** ").append(reading(runs)).append("\n\n")
                .append("Files: [strategies.csv](strategies/strategies.csv), [replicas.csv](strategies/replicas.csv).\n");
        return md.toString();
    }

    /** Which strategy wins where and by how much, from the numbers. */
    static String reading(List<StrategyRun> runs) {
        StringBuilder out = new StringBuilder();
        for (ReplicaSet set : SETS) {
            List<StrategyRun> of = runs.stream().filter(r -> r.workload().equals(set.name())).toList();
            if (of.isEmpty()) {
                continue;
            }
            StrategyRun best = of.stream().min(java.util.Comparator.comparingDouble(StrategyRun::meanMs)).orElseThrow();
            StrategyRun worst = of.stream().max(java.util.Comparator.comparingDouble(StrategyRun::meanMs)).orElseThrow();
            StrategyRun even = of.stream().min(java.util.Comparator.comparingDouble(StrategyRun::spread)).orElseThrow();
            out.append("On the ").append(set.name()).append(" replicas `").append(best.strategy())
                    .append("` has the lowest mean latency (").append(Table.num(best.meanMs(), 2)).append(" ms, p99 ")
                    .append(Table.num(best.percentileMs(99), 2)).append(" ms) and `").append(worst.strategy())
                    .append("` the highest (").append(Table.num(worst.meanMs(), 2)).append(" ms, ")
                    .append(Table.num(worst.meanMs() / Math.max(1e-9, best.meanMs()), 1)).append("×); `")
                    .append(even.strategy()).append("` spreads requests most evenly (").append(Table.num(even.spread(), 2))
                    .append("× the mean). ");
        }
        out.append("Spread is not the goal on unequal replicas: the strategies that measure latency or in-flight ")
                .append("requests send less to the slow replica on purpose, which is why their spread is higher and ")
                .append("their latency lower; the hashing strategies keep each key on its replica whatever it costs.");
        return out.toString();
    }
}
