package lb.balancer.testing;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import lb.balancer.api.AdminApi;
import lb.balancer.api.AdminPage;
import lb.balancer.api.StatusSources;
import lb.balancer.config.BalancerConfig.HealthSettings;
import lb.balancer.forward.FrontDoor;
import lb.balancer.health.HealthMonitor;
import lb.balancer.health.HeartbeatListener;
import lb.balancer.health.HeartbeatLog;
import lb.balancer.membership.FakeRuntime;
import lb.balancer.membership.ReplicaPool;
import lb.balancer.metrics.ForwardMetrics;
import lb.balancer.metrics.Metrics;
import lb.balancer.metrics.PoolHistory;
import lb.balancer.metrics.PoolMetrics;
import lb.balancer.replica.ForwardListener;
import lb.balancer.routing.ConsistentHashStrategy;
import lb.balancer.routing.ReplicaStats;
import lb.balancer.routing.StrategyContext;
import lb.balancer.trace.PoolExplainer;
import lb.balancer.trace.TraceLog;
import lb.balancer.trace.Tracer;
import lb.hashring.RequestKeys;
import lb.hashring.RingConfig;

/**
 * The pool, health monitor, admin API and front door wired as {@code Balancer} wires them (journal history,
 * heartbeat log, pool and traffic metrics, traces, {@code GET /metrics} behind the front door), over three serving
 * in-process replicas of a {@link FakeRuntime}, consistent hashing on {@link #RING}. For tests that check what the
 * data path and the admin API report after a known load; the test keeps the runtime, pool and stats at hand to act
 * behind the balancer's back. Not thread-safe to start or close; {@link #close()} stops every part.
 */
public final class WiredBalancer implements AutoCloseable {

    public static final RingConfig RING = RingConfig.defaults();
    private static final int CAPACITY = 56;
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final FakeRuntime runtime = new FakeRuntime(true);
    private final ReplicaStats stats = new ReplicaStats();
    private final ReplicaPool pool = new ReplicaPool(runtime, new ConsistentHashStrategy(RING), CAPACITY);
    private final HealthMonitor health;
    private final AdminApi admin;
    private final FrontDoor door;

    /**
     * @param heartbeats told every heartbeat besides the balancer's own listeners (a test's count of failures)
     * @param eventLoops the front door's event loops
     */
    private WiredBalancer(HealthSettings settings, HeartbeatListener heartbeats, int eventLoops) throws Exception {
        Metrics metrics = new Metrics();
        PoolHistory history = new PoolHistory();
        pool.journal().subscribe(history);
        PoolMetrics poolMetrics = PoolMetrics.register(metrics, pool, stats, history);
        pool.bootstrap(3);
        HeartbeatLog heartbeatLog = new HeartbeatLog();
        health = new HealthMonitor(pool, settings, HeartbeatListener.all(heartbeatLog, poolMetrics, heartbeats));
        health.start();
        ForwardMetrics traffic = new ForwardMetrics(metrics, pool::strategy);
        TraceLog traces = new TraceLog();
        admin = new AdminApi(pool, CAPACITY, StrategyContext.of(RING, stats),
                new StatusSources(traffic, heartbeatLog, history, traces),
                List.of(new AdminPage("/metrics", Metrics.CONTENT_TYPE, metrics::scrape)));
        int adminPort = admin.start("127.0.0.1", 0);
        door = FrontDoor.builder()
                .bind("127.0.0.1", 0)
                .pickers(pool.pickers())
                .listener(ForwardListener.all(health, stats, traffic))
                .tracer(Tracer.of(new PoolExplainer(pool, stats), traces))
                .keyHasher(RequestKeys::toNumber)
                .admin(AdminApi.PATHS, new InetSocketAddress("127.0.0.1", adminPort))
                .connectTimeout(Duration.ofMillis(500))
                .responseTimeout(Duration.ofSeconds(5))
                .eventLoops(eventLoops)
                .build()
                .start();
        health.readAnswersFrom(door::answeredBy); // as Balancer: a late heartbeat from a replica still serving is busy
        health.readLastAnswersFrom(door::lastAnswerNanos); // so is a failed forward to it
    }

    public static WiredBalancer start(HealthSettings settings, int eventLoops) throws Exception {
        return new WiredBalancer(settings, HeartbeatListener.NONE, eventLoops);
    }

    public static WiredBalancer start(HealthSettings settings, int eventLoops, HeartbeatListener heartbeats)
            throws Exception {
        return new WiredBalancer(settings, heartbeats, eventLoops);
    }

    public FakeRuntime runtime() {
        return runtime;
    }

    public ReplicaPool pool() {
        return pool;
    }

    public ReplicaStats stats() {
        return stats;
    }

    /** The front door's port on 127.0.0.1, for tests that write requests by hand. */
    public int port() {
        return door.port();
    }

    /** A GET through the front door (10 s to answer), {@code headers} as name, value, name, value ... */
    public HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + door.port() + path))
                .timeout(Duration.ofSeconds(10));
        if (headers.length > 0) request.headers(headers);
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        door.close();
        admin.close();
        health.close();
        pool.close();
    }
}
