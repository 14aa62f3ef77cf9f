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
import lb.hashring.HashPresets;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;

/**
 * A-4: A-1 and A-2 for every hash preset, side by side, with the reason for the skew: how many of the 512 slots the
 * request hash {@code H} reaches. Live, the preset is switched with {@code PUT /strategy {"hash": ...}} (for each N,
 * every preset in turn, so the pool is resized once per N). Writes {@code loads.csv}, {@code presets.csv},
 * {@code a1-by-preset.png} and {@code spread-by-preset.png}.
 */
public final class A4HashPresets implements Experiment {

    @Override
    public String name() {
        return "a4";
    }

    @Override
    public Section run(Lab lab) {
        Settings s = lab.settings();
        long[] keys = Workload.keys(s.seed(), s.requests());
        List<String> presets = HashPresets.names();
        Map<String, Map<Integer, RingRun>> byPreset = new LinkedHashMap<>();
        presets.forEach(p -> byPreset.put(p, new LinkedHashMap<>()));
        long started = System.nanoTime();
        if (lab.offline()) {
            presets.forEach(p -> byPreset.put(p, A2Scaling.runs(lab, null, p, keys)));
        } else {
            try (PoolSetup setup = lab.setup()) {
                for (int n = A2Scaling.FROM; n <= A2Scaling.TO; n++) {
                    for (String preset : presets) {
                        byPreset.get(preset).put(n, RingRun.live(lab, setup,
                                A1LoadPerServer.hashingStrategy(s), preset, n, keys));
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Path dir = lab.dir(name());
        try (Csv csv = Csv.create(dir.resolve("presets.csv"), "preset", "reachable_slots", "n", "spread", "max",
                "min", "failed", "off_ring")) {
            byPreset.forEach((preset, runs) -> runs.forEach((n, run) -> csv.row(preset,
                    run.quality().reachableSlots(), n, run.spread(), A2Scaling.max(run), A2Scaling.min(run),
                    run.failed(), run.offRing())));
        }
        int offRing = byPreset.values().stream().flatMap(runs -> runs.values().stream())
                .mapToInt(RingRun::offRing).sum();
        try (Csv csv = Csv.create(dir.resolve("loads.csv"), "preset", "n", "server_id", "requests", "share",
                "predicted_share")) {
            byPreset.forEach((preset, runs) -> runs.forEach((n, run) -> run.counts().forEach((id, count) ->
                    csv.row(preset, n, id, count, count / (double) keys.length, run.predictedShare(id)))));
        }

        CategoryChart bars = Charts.bars("A-4: requests per server at N = 3, by hash preset", "server", "requests");
        XYChart spread = Charts.lines("A-4: spread (max/mean) as N grows, by hash preset", "N (servers)",
                "max / mean requests per server");
        Table a1 = new Table("preset", "slots H reaches", "Server1", "Server2", "Server3", "spread at N = 3");
        Table a2 = new Table(header());
        byPreset.forEach((preset, runs) -> {
            RingRun three = runs.get(A1LoadPerServer.N);
            List<String> names = three.counts().keySet().stream().map(id -> "Server" + id).toList();
            bars.addSeries(preset, names, List.copyOf(three.counts().values()));
            spread.addSeries(preset, new ArrayList<>(runs.keySet()), runs.values().stream().map(RingRun::spread)
                    .toList());
            List<Object> row = new ArrayList<>(List.of(preset, three.quality().reachableSlots() + " / 512"));
            three.counts().values().forEach(row::add);
            row.add(Table.num(three.spread(), 2));
            a1.row(row.toArray());
            List<Object> spreads = new ArrayList<>(List.of(preset));
            runs.values().forEach(run -> spreads.add(Table.num(run.spread(), 2)));
            a2.row(spreads.toArray());
        });
        Charts.save(bars, dir.resolve("a1-by-preset.png"));
        Charts.save(spread, dir.resolve("spread-by-preset.png"));

        RingRun assignment = byPreset.get("assignment").get(A1LoadPerServer.N);
        RingRun variant = byPreset.get("assignment-variant").get(A1LoadPerServer.N);
        RingRun mixed = byPreset.get("mixed").get(A1LoadPerServer.N);
        String md = "## A-4: hash presets side by side\n\n" + lab.provenance()
                + "A-1 and A-2 again for each preset (SPEC §2), " + s.requests() + " seeded ids per run"
                + (lab.offline() ? "" : ", the preset switched live with `PUT /strategy {\"name\": \""
                + A1LoadPerServer.hashingStrategy(s) + "\", \"hash\": ...}`") + ".\n\n"
                + "![A-1 by preset](a4/a1-by-preset.png)\n\n" + a1.markdown() + "\n"
                + "![spread by preset](a4/spread-by-preset.png)\n\n" + a2.markdown() + "\n"
                + "**Reading.** `mixed` reaches all " + mixed.quality().reachableSlots() + " slots and stays within "
                + Table.num(mixed.spread(), 2) + "× the mean at N = 3. `assignment` hashes a request id i to "
                + "(i + 1)² + 16 mod 512, and there are only " + assignment.quality().reachableSlots()
                + " squares modulo 512: its requests land on " + assignment.quality().reachableSlots()
                + " slots, and whichever servers own the arcs after those slots take them (spread "
                + Table.num(assignment.spread(), 2) + "×). `assignment-variant` (i + 2i² + 17) reaches "
                + variant.quality().reachableSlots() + " slots, but its virtual nodes Φ(i, j) = i + j + 2j² + 25 differ "
                + "only by i between servers: for each j the servers' nodes sit in adjacent slots, Server1's first, so "
                + "Server1 owns the whole gap before each cluster and the others one slot each (spread "
                + Table.num(variant.spread(), 2) + "×, Server1 takes " + Table.percent(
                variant.counts().getOrDefault(1, 0) / (double) keys.length) + "). Took " + Table.num(seconds, 2)
                + " s. " + (offRing == 0 ? "Every request went to the server its preset's ring assigns."
                : offRing + " of " + byPreset.values().stream().mapToInt(Map::size).sum() * keys.length + " requests went to another server than the ring assigns "
                + "(a key moves clockwise while its replica is suspect or refuses; see presets.csv).")
                + "\n\nFiles: [loads.csv](a4/loads.csv), [presets.csv](a4/presets.csv).\n";
        return new Section(name(), md);
    }

    private static String[] header() {
        List<String> header = new ArrayList<>(List.of("preset"));
        for (int n = A2Scaling.FROM; n <= A2Scaling.TO; n++) {
            header.add("spread N = " + n);
        }
        return header.toArray(String[]::new);
    }
}
