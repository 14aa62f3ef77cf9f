package lb.analysis.experiment;

import java.awt.Color;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import lb.analysis.live.BalancerClient;
import lb.analysis.live.PoolSetup;
import lb.analysis.live.ReplicaInfo;
import lb.analysis.live.ReplicaKiller;
import lb.analysis.load.LoadPlan;
import lb.analysis.load.LoadResult;
import lb.analysis.load.Outcome;
import lb.analysis.report.Charts;
import lb.analysis.report.Csv;
import lb.analysis.report.Section;
import lb.analysis.report.Table;
import lb.hashring.HashRing;
import lb.hashring.RingConfig;
import org.knowm.xchart.XYChart;

/**
 * A-3 (live only): every endpoint exercised, then a replica killed under a steady open-loop load: requests sent and
 * failed (by cause), the time until the balancer took it out ({@code /status} no longer lists it up at its old
 * address), and the time until its replacement answers the victim's own ring key. Writes {@code endpoints.csv},
 * {@code timeline.csv} and {@code timeline.png}.
 */
public final class A3Failure implements Experiment {

    static final double DEFAULT_RATE = 1_000;
    static final long LOAD_SECONDS = 8;
    static final long KILL_AFTER_MILLIS = 2_000;
    static final long BUCKET_MILLIS = 100;

    /** Times from the start of the load, in ms; -1 when it did not happen within the load's deadline. */
    record Recovery(String how, double killMs, double detectMs, double servingMs) {}

    @Override
    public String name() {
        return "a3";
    }

    @Override
    public Section run(Lab lab) {
        Settings s = lab.settings();
        BalancerClient client = lab.client();
        List<EndpointChecks.Check> checks;
        LoadResult load;
        Recovery recovery;
        ReplicaInfo victim;
        try (PoolSetup setup = lab.setup()) {
            List<ReplicaInfo> replicas = setup.resize(3);
            checks = EndpointChecks.run(client);
            setup.awaitUp(3);
            client.useStrategy(Map.of("name", A1LoadPerServer.hashingStrategy(s), "hash", s.hash()));
            replicas = client.status();
            victim = replicas.get(1);
            long victimKey = keyOf(victim, replicas, s.hash());
            double rate = s.rate() > 0 ? s.rate() : DEFAULT_RATE;
            int requests = (int) (rate * LOAD_SECONDS);
            lab.progress().say("a3: " + requests + " requests at " + (int) rate + "/s; killing " + victim.name()
                    + " after " + KILL_AFTER_MILLIS + " ms");
            long started = System.nanoTime();
            CompletableFuture<LoadResult> running = CompletableFuture.supplyAsync(() -> lab.send("a3 load",
                    Workload.home(Workload.keys(s.seed(), requests)), LoadPlan.open(rate, s.concurrency())));
            recovery = killAndWatch(lab, victim, victimKey, started);
            load = running.join();
            // Times relative to the load's own clock, which started when its connections were open.
            double shift = (load.startNanos() - started) / 1e6;
            recovery = new Recovery(recovery.how(), recovery.killMs() - shift, minus(recovery.detectMs(), shift),
                    minus(recovery.servingMs(), shift));
            setup.awaitUp(3);
        }
        Path dir = lab.dir(name());
        try (Csv csv = Csv.create(dir.resolve("endpoints.csv"), "method", "path", "body", "expected", "status", "ok",
                "answer")) {
            checks.forEach(c -> csv.row(c.method(), c.path(), c.body(), c.expected(), c.status(), c.ok(),
                    c.answer()));
        }
        int buckets = (int) (load.wallNanos() / 1_000_000 / BUCKET_MILLIS) + 1;
        int[] ok = new int[buckets];
        int[] failed = new int[buckets];
        for (Outcome o : load.outcomes()) {
            int b = (int) Math.min(buckets - 1, o.endNanos() / 1_000_000 / BUCKET_MILLIS);
            if (o.ok()) {
                ok[b]++;
            } else {
                failed[b]++;
            }
        }
        try (Csv csv = Csv.create(dir.resolve("timeline.csv"), "t_ms", "succeeded", "failed", "throughput_rps")) {
            for (int b = 0; b < buckets; b++) {
                csv.row(b * BUCKET_MILLIS, ok[b], failed[b], ok[b] * 1000.0 / BUCKET_MILLIS);
            }
        }
        Charts.save(timeline(ok, failed, recovery, victim.name()), dir.resolve("timeline.png"));
        int from = (int) Math.max(0, recovery.killMs() / BUCKET_MILLIS);
        int lowest = Integer.MAX_VALUE;
        int lowestAt = from;
        for (int b = from; b < Math.min(buckets - 1, from + 30); b++) { // 3 s after the kill, the last bucket is partial
            if (ok[b] < lowest) {
                lowest = ok[b];
                lowestAt = b;
            }
        }
        double dipRps = lowest == Integer.MAX_VALUE ? Double.NaN : lowest * 1000.0 / BUCKET_MILLIS;
        return new Section(name(), section(lab, checks, load, recovery, victim, dipRps,
                lowestAt * BUCKET_MILLIS / 1000.0));
    }

    private static double minus(double ms, double shift) {
        return ms < 0 ? ms : ms - shift;
    }

    /** A request id that the ring sends to {@code victim}, found the way the balancer hashes. */
    static long keyOf(ReplicaInfo victim, List<ReplicaInfo> replicas, String preset) {
        HashRing ring = HashRing.of(RingConfig.withPreset(preset), replicas.stream().map(ReplicaInfo::id).toList());
        for (long key = 100_000; key < 1_000_000; key++) {
            if (ring.serverFor(key) == victim.id()) {
                return key;
            }
        }
        throw new IllegalStateException(victim.name() + " owns no 6-digit key");
    }

    /** Kills after the warm-up, then polls {@code /status} and the victim's key until it serves again. */
    private static Recovery killAndWatch(Lab lab, ReplicaInfo victim, long key, long started) {
        BalancerClient client = lab.client();
        PoolSetup.sleepMillis(KILL_AFTER_MILLIS);
        double killMs = sinceMs(started);
        String how = ReplicaKiller.kill(victim, lab.settings().kill());
        lab.progress().say("a3: " + how);
        double detectMs = -1;
        double servingMs = -1;
        long deadline = started + (LOAD_SECONDS + 20) * 1_000_000_000L;
        while (System.nanoTime() < deadline && servingMs < 0) {
            if (detectMs < 0) {
                ReplicaInfo now = client.status().stream().filter(r -> r.name().equals(victim.name())).findFirst()
                        .orElse(null);
                if (now == null || !now.up() || !victim.address().equals(now.address())) {
                    detectMs = sinceMs(started);
                }
            } else {
                BalancerClient.Answer answer = client.exchange("GET", "/home", null, "X-Request-Id",
                        Long.toString(key));
                if (answer.status() == 200 && victim.name().equals(answer.servedBy())) {
                    servingMs = sinceMs(started);
                }
            }
            PoolSetup.sleepMillis(10);
        }
        return new Recovery(how, killMs, detectMs, servingMs);
    }

    private static double sinceMs(long started) {
        return (System.nanoTime() - started) / 1e6;
    }

    private static XYChart timeline(int[] ok, int[] failed, Recovery r, String victim) {
        XYChart chart = Charts.lines("A-3: " + victim + " killed under load (per " + BUCKET_MILLIS + " ms)",
                "time since the load started (s)", "requests per second");
        // The buckets of the offered load's span; answers after it (a partial last bucket) would look like a collapse.
        int shown = (int) Math.min(ok.length, LOAD_SECONDS * 1000 / BUCKET_MILLIS);
        double[] t = new double[shown];
        double[] okRate = new double[shown];
        double[] failRate = new double[shown];
        double top = 1;
        for (int b = 0; b < shown; b++) {
            t[b] = b * BUCKET_MILLIS / 1000.0;
            okRate[b] = ok[b] * 1000.0 / BUCKET_MILLIS;
            failRate[b] = failed[b] * 1000.0 / BUCKET_MILLIS;
            top = Math.max(top, Math.max(okRate[b], failRate[b]));
        }
        chart.addSeries("succeeded", t, okRate).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        chart.addSeries("failed", t, failRate).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
        Charts.mark(chart, "kill", r.killMs() / 1000, top, Color.RED);
        if (r.detectMs() >= 0) {
            Charts.mark(chart, "detected", r.detectMs() / 1000, top, Color.ORANGE);
        }
        if (r.servingMs() >= 0) {
            Charts.mark(chart, "replacement serves", r.servingMs() / 1000, top, new Color(0, 140, 0));
        }
        return chart;
    }

    private String section(Lab lab, List<EndpointChecks.Check> checks, LoadResult load, Recovery r,
                           ReplicaInfo victim, double dipRps, double dipAtSeconds) {
        Table endpoints = new Table("call", "body", "expected", "got", "ok");
        checks.forEach(c -> endpoints.row("`" + c.method() + " " + c.path() + "`", c.body() == null ? ""
                : "`" + c.body() + "`", c.expected(), c.status(), c.ok() ? "yes" : "**no**"));
        long passed = checks.stream().filter(EndpointChecks.Check::ok).count();
        Table failure = new Table("measure", "value");
        failure.row("requests sent", load.sent());
        failure.row("failed", load.failed() + (load.errors().isEmpty() ? "" : " " + load.errors()));
        failure.row("could not be sent (open loop behind)", load.unsent());
        failure.row("killed at", Table.num(r.killMs() / 1000, 3) + " s (" + r.how() + ")");
        failure.row("out of service after", r.detectMs() < 0 ? "not seen" : Table.num(r.detectMs() - r.killMs(), 0) + " ms");
        failure.row("replacement serves its key after", r.servingMs() < 0 ? "not within the run"
                : Table.num(r.servingMs() - r.killMs(), 0) + " ms");
        failure.row("lowest throughput in 100 ms, within 3 s of the kill", Table.num(dipRps, 0) + " req/s at "
                + Table.num(dipAtSeconds, 1) + " s (offered: " + Table.num(load.sent() / (double) LOAD_SECONDS, 0)
                + " req/s)");
        failure.row("latency p50 / p99 / max", Table.num(load.percentileMillis(50), 2) + " / "
                + Table.num(load.percentileMillis(99), 2) + " / " + Table.num(load.percentileMillis(100), 2) + " ms");
        return "## A-3: endpoints and failure recovery\n\n" + lab.provenance()
                + passed + " of " + checks.size() + " endpoint checks answered as SPEC §3 says:\n\n"
                + endpoints.markdown() + "\nThen " + victim.name() + " was killed under " + load.sent()
                + " requests sent open-loop at a fixed rate (latency counted from each request's due time):\n\n"
                + "![timeline](a3/timeline.png)\n\n" + failure.markdown() + "\n"
                + "**Reading.** " + (load.failed() == 0 ? "No request failed: " : load.failed() + " of "
                + load.sent() + " requests failed; ") + "a GET whose replica refuses or drops the connection is "
                + "retried on the next replica clockwise, so the kill costs latency rather than errors: answers slowed to "
                + Table.num(dipRps, 0) + " req/s for a moment, and the requests that waited then came in a burst "
                + "(the open loop counts their wait: p99 " + Table.num(load.percentileMillis(99), 0) + " ms, max "
                + Table.num(load.percentileMillis(100), 0) + " ms). "
                + "The balancer took " + victim.name() + " out " + (r.detectMs() < 0 ? "(not seen)"
                : Table.num(r.detectMs() - r.killMs(), 0) + " ms") + " after the kill and its replacement "
                + "(same name and id, so the same arcs of the ring) served the victim's own key "
                + (r.servingMs() < 0 ? "not within the run" : Table.num(r.servingMs() - r.killMs(), 0) + " ms")
                + " after it. Files: [endpoints.csv](a3/endpoints.csv), [timeline.csv](a3/timeline.csv).\n";
    }
}
