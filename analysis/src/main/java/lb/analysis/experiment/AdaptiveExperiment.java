package lb.analysis.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lb.analysis.live.PoolSetup;
import lb.analysis.live.PoolSetup.Group;
import lb.analysis.live.Profile;
import lb.analysis.live.ReplicaInfo;
import lb.analysis.load.LoadPlan;
import lb.analysis.load.LoadResult;
import lb.analysis.load.Outcome;
import lb.analysis.report.Charts;
import lb.analysis.report.Csv;
import lb.analysis.report.Section;
import lb.analysis.report.Table;
import lb.analysis.sim.AdaptiveRounds;
import lb.analysis.sim.Simulation;
import org.knowm.xchart.XYChart;

/**
 * Adaptive routing: rounds of 100 concurrent requests over three replicas whose latency changes, per round and
 * replica the requests sent and their mean latency, and how many rounds each strategy needs to send most requests to
 * the fast replica after a change.
 *
 * <p>Live, the three replicas drift ({@code SERVER_DRIFT_*}: 5 ms plus a delay random-walking in [0, 200] ms every
 * 1 s). Each round sends 100 requests under every strategy in turn; round-robin's round is the reference that tells
 * which replica is fastest at that moment (it samples all three equally). Offline, {@link AdaptiveRounds}: 10, 50
 * and 100 ms swapped to 100, 50, 10 ms at round {@value AdaptiveRounds#SWAP_ROUND}, a change with a known instant.
 * Writes {@code rounds.csv}, {@code requests-<strategy>.png} and {@code latency.png}.
 */
public final class AdaptiveExperiment implements Experiment {

    static final String REFERENCE = "round-robin";
    static final List<String> LEARNING = List.of("peak-ewma", "epsilon-greedy", "least-connections", "power-of-two");
    static final int REPLICAS = 3;
    /** Offline, the idle time between rounds: live, the other strategies' rounds take about this long. */
    static final long PAUSE_NANOS = 1_000 * Simulation.MS;
    static final Profile DRIFTING = new Profile("default", 5, 0, 200, 1_000);

    /** One strategy's round: requests and mean latency per replica (replica order fixed). */
    record Round(int round, String strategy, List<String> replicas, int[] requests, double[] meanMs) {
        double overallMeanMs() {
            double sum = 0;
            int n = 0;
            for (int i = 0; i < requests.length; i++) {
                if (requests[i] > 0) {
                    sum += meanMs[i] * requests[i];
                    n += requests[i];
                }
            }
            return n == 0 ? 0 : sum / n;
        }

        /** The replica with the lowest mean latency among those that got requests. */
        int fastest() {
            int best = -1;
            for (int i = 0; i < requests.length; i++) {
                if (requests[i] > 0 && (best < 0 || meanMs[i] < meanMs[best])) {
                    best = i;
                }
            }
            return best;
        }
    }

    @Override
    public String name() {
        return "adaptive";
    }

    static int rounds(Settings s) {
        return Math.max(12, Math.min(40, s.requests() / 250));
    }

    static List<String> strategies(Settings s) {
        List<String> learning = s.strategy() == null ? LEARNING : List.of(s.strategy());
        List<String> all = new ArrayList<>(List.of(REFERENCE));
        learning.stream().filter(n -> !n.equals(REFERENCE)).forEach(all::add);
        return all;
    }

    @Override
    public Section run(Lab lab) {
        Settings s = lab.settings();
        List<Round> rounds = lab.offline() ? simulate(lab, s) : live(lab, s);
        Path dir = lab.dir(name());
        write(dir, rounds);
        return new Section(name(), section(lab, rounds));
    }

    private static List<Round> simulate(Lab lab, Settings s) {
        List<Round> rounds = new ArrayList<>();
        int total = 40;
        List<String> names = List.of("S1", "S2", "S3");
        for (String strategy : strategies(s)) {
            int[][] counts = AdaptiveRounds.run(strategy, new Simulation(s.seed()), total, PAUSE_NANOS);
            for (int round = 1; round <= total; round++) {
                double[] mean = new double[REPLICAS];
                for (int r = 0; r < REPLICAS; r++) {
                    mean[r] = AdaptiveRounds.latencyMs(round, r);
                }
                Round done = new Round(round, strategy, names, counts[round], mean);
                rounds.add(done);
                say(lab, done);
            }
        }
        return rounds;
    }

    private static List<Round> live(Lab lab, Settings s) {
        List<Round> rounds = new ArrayList<>();
        try (PoolSetup setup = lab.setup()) {
            List<String> names = setup.use(List.of(new Group(REPLICAS, "drift", DRIFTING))).stream()
                    .map(ReplicaInfo::name).toList();
            lab.warmUp("drifting replicas");
            int total = rounds(s);
            int sent = 0;
            for (int round = 1; round <= total; round++) {
                for (String strategy : strategies(s)) {
                    lab.client().useStrategy(strategy);
                    long[] keys = Workload.keys(s.seed() + sent, AdaptiveRounds.REQUESTS_PER_ROUND);
                    sent += keys.length;
                    LoadResult load = lab.send("round " + round + " " + strategy, Workload.home(keys),
                            LoadPlan.closed(AdaptiveRounds.REQUESTS_PER_ROUND));
                    Round done = round(round, strategy, names, load);
                    rounds.add(done);
                    say(lab, done);
                }
            }
        }
        return rounds;
    }

    static Round round(int round, String strategy, List<String> names, LoadResult load) {
        int[] requests = new int[names.size()];
        double[] sum = new double[names.size()];
        for (Outcome o : load.outcomes()) {
            int i = names.indexOf(o.servedBy());
            if (o.ok() && i >= 0) {
                requests[i]++;
                sum[i] += o.latencyMillis();
            }
        }
        double[] mean = new double[names.size()];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = requests[i] == 0 ? Double.NaN : sum[i] / requests[i];
        }
        return new Round(round, strategy, names, requests, mean);
    }

    /** Prints the round as it goes: {@code Server2: avg=134.51 ms, requests=96} per replica. */
    private static void say(Lab lab, Round r) {
        StringBuilder line = new StringBuilder("round " + r.round() + " " + r.strategy() + ":");
        for (int i = 0; i < r.replicas().size(); i++) {
            line.append(String.format(java.util.Locale.ROOT, " %s: avg=%.2f ms, requests=%d;", r.replicas().get(i),
                    r.requests()[i] == 0 ? 0 : r.meanMs()[i], r.requests()[i]));
        }
        lab.progress().say(line.substring(0, line.length() - 1));
    }

    /** A change counts when the new fastest replica is at least this much faster than the one before it. */
    static final double CHANGE_MARGIN = 0.2;

    /**
     * For each change of the fastest replica (by the reference's round; offline, the swap), the rounds until the
     * strategy sent at least half of a round to the new fastest one: 1 means in the round of the change. A change is
     * a round whose fastest replica differs from the previous round's and is at least {@link #CHANGE_MARGIN} faster
     * than that one, so two replicas of about equal latency trading places do not count. Empty when the fastest
     * replica never changed; a change the strategy did not follow before the next change is left out.
     */
    static List<Integer> roundsToFind(List<Round> rounds, String strategy) {
        Map<Integer, Round> reference = new LinkedHashMap<>();
        Map<Integer, Round> mine = new LinkedHashMap<>();
        rounds.stream().filter(r -> r.strategy().equals(REFERENCE)).forEach(r -> reference.put(r.round(), r));
        rounds.stream().filter(r -> r.strategy().equals(strategy)).forEach(r -> mine.put(r.round(), r));
        List<Integer> found = new ArrayList<>();
        for (int change : changes(reference)) {
            int fastest = reference.get(change).fastest();
            for (int round = change; round <= reference.size(); round++) {
                Round next = mine.get(round);
                if (next != null && 2 * next.requests()[fastest] >= AdaptiveRounds.REQUESTS_PER_ROUND) {
                    found.add(round - change + 1);
                    break;
                }
                if (round > change && reference.get(round).fastest() != fastest) {
                    break; // the fastest changed again before the strategy followed
                }
            }
        }
        return found;
    }

    /** The rounds in which the fastest replica changed (see {@link #roundsToFind}). */
    static List<Integer> changes(Map<Integer, Round> reference) {
        List<Integer> changes = new ArrayList<>();
        int previous = -1;
        for (Round ref : reference.values()) {
            int fastest = ref.fastest();
            if (previous >= 0 && fastest >= 0 && fastest != previous
                    && ref.meanMs()[fastest] <= (1 - CHANGE_MARGIN) * ref.meanMs()[previous]) {
                changes.add(ref.round());
                previous = fastest;
            } else if (previous < 0) {
                previous = fastest;
            }
        }
        return changes;
    }

    private static void write(Path dir, List<Round> rounds) {
        try (Csv csv = Csv.create(dir.resolve("rounds.csv"), "round", "strategy", "replica", "requests", "mean_ms")) {
            rounds.forEach(r -> {
                for (int i = 0; i < r.replicas().size(); i++) {
                    csv.row(r.round(), r.strategy(), r.replicas().get(i), r.requests()[i], r.meanMs()[i]);
                }
            });
        }
        List<String> strategies = rounds.stream().map(Round::strategy).distinct().toList();
        XYChart latency = Charts.lines("Mean latency per round, by strategy", "round", "ms");
        for (String strategy : strategies) {
            List<Round> of = rounds.stream().filter(r -> r.strategy().equals(strategy)).toList();
            latency.addSeries(strategy, of.stream().map(Round::round).toList(),
                    of.stream().map(Round::overallMeanMs).toList());
            XYChart requests = Charts.lines(strategy + ": requests per replica per round (100 per round)", "round",
                    "requests");
            List<String> names = of.get(0).replicas();
            for (int i = 0; i < names.size(); i++) {
                int replica = i;
                requests.addSeries(names.get(i), of.stream().map(Round::round).toList(),
                        of.stream().map(r -> r.requests()[replica]).toList());
            }
            Charts.save(requests, dir.resolve("requests-" + strategy + ".png"));
        }
        Charts.save(latency, dir.resolve("latency.png"));
    }

    private String section(Lab lab, List<Round> rounds) {
        List<String> strategies = rounds.stream().map(Round::strategy).distinct().toList();
        Map<Integer, Round> reference = new LinkedHashMap<>();
        rounds.stream().filter(r -> r.strategy().equals(REFERENCE)).forEach(r -> reference.put(r.round(), r));
        List<Integer> changes = changes(reference);
        Table table = new Table("strategy", "mean latency over all rounds (ms)", "changes followed (of "
                + changes.size() + ")", "rounds until half a round goes to the new fastest replica");
        for (String strategy : strategies) {
            List<Round> of = rounds.stream().filter(r -> r.strategy().equals(strategy)).toList();
            double mean = of.stream().mapToDouble(Round::overallMeanMs).average().orElse(0);
            List<Integer> found = strategy.equals(REFERENCE) ? List.of() : roundsToFind(rounds, strategy);
            table.row(strategy, Table.num(mean, 2), strategy.equals(REFERENCE) ? "reference" : found.size(),
                    strategy.equals(REFERENCE) ? "" : found.toString());
        }
        StringBuilder md = new StringBuilder("## Adaptive: drifting latency\n\n").append(lab.provenance());
        md.append(lab.offline()
                ? "Three replicas at 10, 50 and 100 ms, swapped to 100, 50 and 10 ms from round "
                + AdaptiveRounds.SWAP_ROUND + "; 40 rounds of 100 concurrent requests per strategy, 1 s apart, on the simulator."
                : "Three replicas whose latency drifts (" + DRIFTING.latencyMs() + " ms plus a random walk in [0, "
                + DRIFTING.driftMs() + "] ms that moves by up to a fifth of that every " + DRIFTING.driftIntervalMs()
                + " ms; the servers' own randomness, which `/add` does not seed); "
                + rounds(lab.settings()) + " rounds, each of 100 concurrent requests under every strategy in turn; "
                + "round-robin's round tells which replica is fastest at that time.");
        md.append(" The fastest replica changed in rounds ").append(changes).append(" (a change: another replica ")
                .append("became fastest by at least ").append(Table.percent(CHANGE_MARGIN)).append(").")
                .append(" The tool prints every round as it goes (`Server2: avg=134.51 ms, requests=96`).\n\n");
        md.append("![latency per round](adaptive/latency.png)\n\n").append(table.markdown()).append('\n');
        for (String strategy : strategies) {
            md.append("![").append(strategy).append("](adaptive/requests-").append(strategy).append(".png)\n");
        }
        md.append("\n**Reading.** ").append(reading(rounds, strategies)).append("\n\nFiles: [rounds.csv](adaptive/rounds.csv).\n");
        return md.toString();
    }

    private static String reading(List<Round> rounds, List<String> strategies) {
        StringBuilder out = new StringBuilder();
        double reference = rounds.stream().filter(r -> r.strategy().equals(REFERENCE))
                .mapToDouble(Round::overallMeanMs).average().orElse(0);
        for (String strategy : strategies) {
            if (strategy.equals(REFERENCE)) {
                continue;
            }
            double mean = rounds.stream().filter(r -> r.strategy().equals(strategy)).mapToDouble(Round::overallMeanMs)
                    .average().orElse(0);
            List<Integer> found = roundsToFind(rounds, strategy);
            out.append('`').append(strategy).append("` averages ").append(Table.num(mean, 1)).append(" ms against ")
                    .append(Table.num(reference, 1)).append(" ms for round-robin");
            out.append(found.isEmpty() ? " and never sent half a round to the new fast replica after a change; "
                    : " and sent half a round to the new fast replica after " + found + " rounds; ");
        }
        out.append("a round's 100 requests all start before any answer, so a strategy can only learn between rounds: ")
                .append("peak-EWMA and epsilon-greedy move most of the next round, least-connections and ")
                .append("power-of-two see only requests in flight, which are equal at the start of a round.");
        return out.toString();
    }
}
