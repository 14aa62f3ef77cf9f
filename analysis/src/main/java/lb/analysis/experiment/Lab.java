package lb.analysis.experiment;

import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import lb.analysis.live.BalancerClient;
import lb.analysis.live.KillMode;
import lb.analysis.live.ReplicaKiller;
import lb.analysis.live.PoolSetup;
import lb.analysis.load.LoadGenerator;
import lb.analysis.load.LoadPlan;
import lb.analysis.load.LoadRequest;
import lb.analysis.load.LoadResult;

/**
 * What every experiment works with: the settings, the live balancer's admin client and load generator (absent
 * offline), and progress reporting. One lab serves a whole command ({@code all} runs every experiment in it).
 */
public final class Lab implements AutoCloseable {

    static final int WARM_UP_REQUESTS = 3_000;

    private final Settings settings;
    private final BalancerClient client;
    private final LoadGenerator load;
    private final Progress progress;
    /** Where the live balancer's replicas run, as the report states it; empty offline. */
    private final String runtime;

    private Lab(Settings settings, BalancerClient client, LoadGenerator load, Progress progress, String runtime) {
        this.runtime = runtime;
        this.settings = settings;
        this.client = client;
        this.load = load;
        this.progress = progress;
    }

    /** A lab for a live balancer; checks that it answers ({@link lb.analysis.live.BalancerUnreachableException}). */
    public static Lab live(Settings settings, Progress progress) {
        BalancerClient client = new BalancerClient(settings.url());
        String runtime = client.status().stream().findFirst()
                .map(r -> ReplicaKiller.resolve(KillMode.AUTO, r) == KillMode.PROCESS
                        ? "replicas as local processes: the process runtime" : "replicas as Docker containers")
                .orElse("no replicas yet");
        return new Lab(settings, client, new LoadGenerator(settings.url()), progress, runtime);
    }

    public static Lab offline(Settings settings, Progress progress) {
        return new Lab(settings, null, null, progress, "");
    }

    public Settings settings() {
        return settings;
    }

    public boolean offline() {
        return client == null;
    }

    public BalancerClient client() {
        if (client == null) {
            throw new IllegalStateException("offline: no balancer");
        }
        return client;
    }

    public Progress progress() {
        return progress;
    }

    /** The experiment's folder under {@code --out}. */
    public Path dir(String experiment) {
        return settings.out().resolve(experiment);
    }

    /** Remembers the live pool and strategy, to put them back when the experiment ends. */
    public PoolSetup setup() {
        return PoolSetup.snapshot(client(), progress::say);
    }

    /** Sends {@code requests} to the live balancer as {@code plan} says, with a progress task named {@code task}. */
    public LoadResult send(String task, List<LoadRequest> requests, LoadPlan plan) {
        try (Progress.Task bar = progress.start(task, requests.size())) {
            return load.run(requests, plan, index -> bar.step());
        }
    }

    /**
     * Warms up freshly started replicas (their JIT, the balancer's connections to them) with a round-robin run that
     * is not measured, so the first strategy measured on a new replica set does not pay for it:
     * {@value #WARM_UP_REQUESTS} requests, or {@code --requests} when fewer. Leaves round-robin in use.
     */
    public void warmUp(String what) {
        client().useStrategy("round-robin");
        send("warm-up " + what, Workload.home(Workload.keys(settings.seed() ^ 0x5EED, warmUpRequests())),
                LoadPlan.closed(Math.min(settings.concurrency(), 32)));
    }

    public int warmUpRequests() {
        return Math.min(WARM_UP_REQUESTS, settings.requests());
    }

    /** The plan the command line asked for: open loop at {@code --rate}, else closed at {@code --concurrency}. */
    public LoadPlan plan() {
        return settings.rate() > 0 ? LoadPlan.open(settings.rate(), settings.concurrency())
                : LoadPlan.closed(settings.concurrency());
    }

    /** The line under each section's heading: how, when and with what it was made. */
    public String provenance() {
        return "*" + (offline() ? "Offline, on the deterministic simulator" : "Live, against the balancer at "
                + settings.url() + " (" + runtime + ")") + "; seed " + settings.seed() + "; " + ZonedDateTime.now()
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")) + loadAverage() + "; command `"
                + settings.command() + "`.*\n\n";
    }

    /** The machine's 1-minute load average when a section was made (Linux), so a busy machine shows in the report. */
    private static String loadAverage() {
        try {
            String[] fields = java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return "; load average " + fields[0] + " on " + Runtime.getRuntime().availableProcessors() + " cores";
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }

    @Override
    public void close() {
        if (load != null) {
            load.close();
        }
    }
}
