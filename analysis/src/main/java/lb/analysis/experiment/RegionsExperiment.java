package lb.analysis.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import lb.analysis.live.PoolSetup;
import lb.analysis.live.PoolSetup.Group;
import lb.analysis.live.Profile;
import lb.analysis.live.ReplicaInfo;
import lb.analysis.load.LoadRequest;
import lb.analysis.load.LoadResult;
import lb.analysis.report.Charts;
import lb.analysis.report.Csv;
import lb.analysis.report.Section;
import lb.analysis.report.Table;
import lb.analysis.sim.Simulation;
import lb.balancer.replica.Replica;
import lb.balancer.replica.ReplicaSpec;
import lb.balancer.routing.Pick;
import lb.balancer.routing.Picker;
import lb.balancer.routing.RouteRequest;
import lb.balancer.routing.Target;
import lb.balancer.routing.Targeting;
import lb.balancer.routing.Strategies;
import org.HdrHistogram.Histogram;
import org.knowm.xchart.CategoryChart;

/**
 * Regions of different latency and size (near: 1 replica at 20 ms, mid: 2 at 60 ms, far: 4 at 150 ms): mean and p99
 * response time of the same requests under a client that picks a replica at random, under each of the balancer's
 * strategies, and under a client that chooses itself with explicit targeting ({@code X-LB-Region: near},
 * {@code X-LB-Replica: near1}). Writes {@code regions.csv}, {@code replicas.csv} and {@code latency.png}.
 */
public final class RegionsExperiment implements Experiment {

    static final List<Group> GROUPS = List.of(
            new Group(1, "near", new Profile("near", 20, 2, 0, 0)),
            new Group(2, "mid", new Profile("mid", 60, 5, 0, 0)),
            new Group(4, "far", new Profile("far", 150, 10, 0, 0)));
    static final int MAX_REQUESTS = 2_000;
    static final String RANDOM = "client: random replica";
    static final String PIN_REGION = "client: X-LB-Region near";
    static final String PIN_REPLICA = "client: X-LB-Replica near1";

    @Override
    public String name() {
        return "regions";
    }

    @Override
    public Section run(Lab lab) {
        Settings s = lab.settings();
        int requests = Math.min(s.requests(), MAX_REQUESTS);
        long[] keys = Workload.keys(s.seed(), requests);
        List<StrategyRun> runs = new ArrayList<>();
        boolean targeting = true;
        if (lab.offline()) {
            runs.add(simulate(s, RANDOM, keys));
            for (String strategy : StrategiesExperiment.strategies(s)) {
                runs.add(simulate(s, strategy, keys));
            }
            runs.add(simulate(s, PIN_REGION, keys));
            runs.add(simulate(s, PIN_REPLICA, keys));
        } else {
            try (PoolSetup setup = lab.setup()) {
                List<String> names = setup.use(GROUPS).stream().map(ReplicaInfo::name).toList();
                lab.warmUp("regions");
                targeting = lab.client().exchange("GET", "/home", null, "X-LB-Replica", "no-such-replica")
                        .status() == 400;
                lab.client().useStrategy("round-robin");
                if (targeting) {
                    SplittableRandom random = new SplittableRandom(s.seed());
                    runs.add(live(lab, RANDOM, names, requests(keys, k -> Map.of("X-LB-Replica",
                            names.get(random.nextInt(names.size()))))));
                }
                for (String strategy : StrategiesExperiment.strategies(s)) {
                    lab.client().useStrategy(strategy);
                    runs.add(live(lab, strategy, names, requests(keys, k -> Map.of())));
                }
                if (targeting) {
                    lab.client().useStrategy("round-robin");
                    runs.add(live(lab, PIN_REGION, names, requests(keys, k -> Map.of("X-LB-Region", "near"))));
                    runs.add(live(lab, PIN_REPLICA, names, requests(keys, k -> Map.of("X-LB-Replica", "near1"))));
                }
            }
        }
        Path dir = lab.dir(name());
        write(dir, runs);
        return new Section(name(), section(lab, runs, requests, targeting));
    }

    private static List<LoadRequest> requests(long[] keys, java.util.function.LongFunction<Map<String, String>> headers) {
        List<LoadRequest> out = new ArrayList<>();
        for (long key : keys) {
            out.add(new LoadRequest(key, "/home", headers.apply(key)));
        }
        return out;
    }

    private static StrategyRun live(Lab lab, String variant, List<String> names, List<LoadRequest> requests) {
        LoadResult load = lab.send("regions " + variant, requests, lab.plan());
        return StrategyRun.of("regions", variant, load, names);
    }

    /** The variant on the simulator: ids 1..7 in group order; pins go through the balancer's targeting layer. */
    static StrategyRun simulate(Settings s, String variant, long[] keys) {
        Simulation sim = new Simulation(s.seed());
        List<Replica> all = new ArrayList<>();
        List<Long> latency = new ArrayList<>();
        for (Group group : GROUPS) {
            for (int i = 1; i <= group.count(); i++) {
                int id = all.size() + 1;
                all.add(new Replica(group.prefix() + i, id, "10.0.0." + id, 5000, group.profile().region()));
                latency.add(group.profile().latencyMs() * Simulation.MS);
            }
        }
        Picker picker;
        if (variant.equals(RANDOM)) {
            SplittableRandom random = new SplittableRandom(s.seed());
            picker = request -> new Pick.Routed(all.get(random.nextInt(all.size())));
        } else {
            // Client-side choices go through the balancer's own targeting layer, over round-robin as live.
            String strategy = variant.startsWith("client:") ? "round-robin" : variant;
            Picker targeting = Targeting.over(Strategies.create(strategy, Map.of(), sim.context()), all,
                    all.stream().map(r -> new ReplicaSpec(r.name(), r.id(), r.region(), Map.of())).toList());
            Target target = switch (variant) {
                case PIN_REGION -> new Target("near", null);
                case PIN_REPLICA -> new Target(null, "near1");
                default -> Target.NONE;
            };
            picker = request -> targeting.pick(new RouteRequest(request.key(), request.path(),
                    request.excludedIds(), target));
        }
        double mean = latency.stream().mapToLong(Long::longValue).average().orElse(1);
        long interval = Math.max(1, Math.round(mean / s.concurrency()));
        Histogram histogram = new Histogram(3_600_000_000L, 3);
        int[] next = {0};
        Map<Replica, Integer> sent = sim.steady(picker, all, keys.length, interval,
                () -> keys[next[0]++ % keys.length], replica -> latency.get(replica.id() - 1),
                (picked, before) -> histogram.recordValue(sim.lastLatencyNanos() / 1_000));
        Map<String, Integer> per = new TreeMap<>();
        all.forEach(r -> per.put(r.name(), 0));
        sent.forEach((replica, count) -> per.merge(replica.name(), count, Integer::sum));
        return new StrategyRun("regions", variant, keys.length, Double.NaN, histogram, 0, per);
    }

    private static void write(Path dir, List<StrategyRun> runs) {
        try (Csv csv = Csv.create(dir.resolve("regions.csv"), "variant", "requests", "throughput_rps", "mean_ms",
                "p50_ms", "p99_ms", "errors", "near_share")) {
            runs.forEach(r -> csv.row(r.strategy(), r.requests(), r.throughput(), r.meanMs(), r.percentileMs(50),
                    r.percentileMs(99), r.errors(), nearShare(r)));
        }
        try (Csv csv = Csv.create(dir.resolve("replicas.csv"), "variant", "replica", "requests")) {
            runs.forEach(r -> r.perReplica().forEach((name, count) -> csv.row(r.strategy(), name, count)));
        }
        CategoryChart chart = Charts.bars("Regions: response time by who chooses the replica", "variant", "ms");
        List<String> names = runs.stream().map(StrategyRun::strategy).toList();
        chart.addSeries("mean", names, runs.stream().map(StrategyRun::meanMs).toList());
        chart.addSeries("p99", names, runs.stream().map(r -> r.percentileMs(99)).toList());
        chart.getStyler().setXAxisLabelRotation(30);
        chart.getStyler().setLabelsVisible(false);
        Charts.save(chart, dir.resolve("latency.png"));
    }

    static double nearShare(StrategyRun r) {
        int total = r.perReplica().values().stream().mapToInt(Integer::intValue).sum();
        return total == 0 ? 0 : r.perReplica().getOrDefault("near1", 0) / (double) total;
    }

    private String section(Lab lab, List<StrategyRun> runs, int requests, boolean targeting) {
        Table table = new Table("who chooses", "mean ms", "p50 ms", "p99 ms", "errors", "share to near1");
        runs.forEach(r -> table.row(r.strategy(), Table.num(r.meanMs(), 1), Table.num(r.percentileMs(50), 1),
                Table.num(r.percentileMs(99), 1), Table.percent(r.errorRate()), Table.percent(nearShare(r))));
        StrategyRun best = runs.stream().filter(r -> !r.strategy().startsWith("client:"))
                .min(java.util.Comparator.comparingDouble(StrategyRun::meanMs)).orElseThrow();
        StrategyRun random = runs.stream().filter(r -> r.strategy().equals(RANDOM)).findFirst().orElse(null);
        StrategyRun region = runs.stream().filter(r -> r.strategy().equals(PIN_REGION)).findFirst().orElse(null);
        StringBuilder md = new StringBuilder("## Regions: who should choose the replica\n\n").append(lab.provenance());
        md.append("Seven replicas in three regions: near (1 at 20 ms), mid (2 at 60 ms), far (4 at 150 ms). ")
                .append(requests).append(" requests per variant (the same seeded ids)")
                .append(lab.offline() ? "." : ", after " + lab.warmUpRequests() + " unmeasured warm-up requests.")
                .append(targeting ? "" : " The balancer has no explicit targeting (`X-LB-Region`/`X-LB-Replica`), so "
                        + "the client-side variants were left out.").append("\n\n");
        md.append("![regions](regions/latency.png)\n\n").append(table.markdown()).append('\n');
        md.append("**Reading.** The best balancer strategy here is `").append(best.strategy()).append("` (mean ")
                .append(Table.num(best.meanMs(), 1)).append(" ms, p99 ").append(Table.num(best.percentileMs(99), 1))
                .append(" ms)");
        if (random != null) {
            md.append(", against ").append(Table.num(random.meanMs(), 1)).append(" ms for a client picking at random");
        }
        if (region != null) {
            md.append("; a client that knows where it is and pins the near region gets ")
                    .append(Table.num(region.meanMs(), 1)).append(" ms");
        }
        md.append(". Strategies that spread evenly send 4 of 7 requests to the far region because it has the most ")
                .append("replicas; the ones that measure latency move traffic to near1 as far as their exploration ")
                .append("allows. Only the replicas here are slow (a sleep), not overloaded, so piling onto the near ")
                .append("replica costs nothing; with real capacity limits the pins would trade latency for load.\n\n")
                .append("Files: [regions.csv](regions/regions.csv), [replicas.csv](regions/replicas.csv).\n");
        return md.toString();
    }
}
