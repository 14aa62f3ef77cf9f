package lb.balancer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import lb.balancer.api.AdminApi;
import lb.balancer.api.AdminPage;
import lb.balancer.api.StatusSources;
import lb.balancer.config.BalancerConfig;
import lb.balancer.config.InvalidSettingException;
import lb.balancer.forward.FrontDoor;
import lb.balancer.health.HealthMonitor;
import lb.balancer.health.HeartbeatListener;
import lb.balancer.health.HeartbeatLog;
import lb.balancer.membership.PoolException;
import lb.balancer.metrics.ForwardMetrics;
import lb.balancer.metrics.FrontDoorMetrics;
import lb.balancer.metrics.Metrics;
import lb.balancer.metrics.PoolHistory;
import lb.balancer.metrics.PoolMetrics;
import lb.balancer.membership.ReplicaPool;
import lb.balancer.membership.Transition;
import lb.balancer.replica.ForwardListener;
import lb.balancer.replica.Replica;
import lb.balancer.routing.ReplicaStats;
import lb.balancer.routing.RoutingStrategy;
import lb.balancer.routing.Strategies;
import lb.balancer.routing.StrategyContext;
import lb.balancer.runtime.DockerRuntime;
import lb.balancer.runtime.ProcessRuntime;
import lb.balancer.runtime.ReadinessProbe;
import lb.balancer.runtime.ReplicaRuntime;
import lb.balancer.runtime.StaticRuntime;
import lb.balancer.runtime.swarm.SwarmRuntime;
import lb.balancer.trace.PoolExplainer;
import lb.balancer.trace.TraceLog;
import lb.balancer.trace.Tracer;
import lb.hashring.RequestKeys;
import lb.hashring.RingConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The assembled balancer: runtime → pool (membership) → picker → front door, plus the admin API behind the front
 * door. This class only wires the parts together and owns their lifecycle; each part does one job.
 */
public final class Balancer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Balancer.class);
    private static final String LOOPBACK = "127.0.0.1";

    private final ReplicaPool pool;
    private final HealthMonitor health;
    private final AdminApi admin;
    private final FrontDoor frontDoor;

    private Balancer(ReplicaPool pool, HealthMonitor health, AdminApi admin, FrontDoor frontDoor) {
        this.pool = pool;
        this.health = health;
        this.admin = admin;
        this.frontDoor = frontDoor;
    }

    /**
     * Starts everything: adopts or starts the replicas, then opens the admin API and the front door.
     *
     * @throws InvalidSettingException when a name (strategy, hash preset, server jar) is not usable
     * @throws PoolException           when the initial replicas cannot be started or the runtime is unreachable
     */
    public static Balancer start(BalancerConfig config) throws PoolException {
        return start(config, () -> runtime(config));
    }

    /**
     * As {@link #start(BalancerConfig)}, with {@code runtime} instead of the one {@code LB_RUNTIME} names: the whole
     * balancer over replicas a test (or an embedding program) provides. The config's runtime settings are unused.
     */
    public static Balancer start(BalancerConfig config, ReplicaRuntime runtime) throws PoolException {
        return start(config, () -> runtime);
    }

    /** The runtime is made after the ring and strategy settings are checked, so a bad name fails before Docker. */
    private static Balancer start(BalancerConfig config, java.util.function.Supplier<ReplicaRuntime> runtimes)
            throws PoolException {
        RingConfig ring = ringConfig(config);
        // What the data path measures per replica; a failed attempt counts as at least a full response timeout.
        ReplicaStats stats = new ReplicaStats(System::nanoTime, ReplicaStats.DEFAULT_DECAY, config.responseTimeout());
        StrategyContext strategies = StrategyContext.of(ring, stats);
        RoutingStrategy strategy = strategy(config, strategies);
        int capacity = Replica.maxPoolSize(ring);
        // /add and /rm answer within the admin bound; a replacement, which no client waits on, may take as long as a
        // replica may take to boot (the fresh start below likewise).
        ReplicaPool pool = new ReplicaPool(runtimes.get(), strategy, capacity, Duration.ofSeconds(1),
                Duration.ofSeconds(30), config.pool().adminTimeout(), config.readyTimeout(),
                config.pool().maxEjectionPercent());
        pool.onLeave(stats::forget); // a replacement starts fresh
        // Insight: the journal's history and the heartbeats feed /status and /metrics; subscribed before bootstrap,
        // so the first events count too.
        Metrics metrics = new Metrics();
        PoolHistory history = new PoolHistory();
        pool.journal().subscribe(history);
        PoolMetrics poolMetrics = PoolMetrics.register(metrics, pool, stats, history);
        HeartbeatLog heartbeats = new HeartbeatLog();
        pool.journal().subscribe(e -> {
            if (e.transition() == Transition.REMOVED) heartbeats.forget(e.replica());
        });
        ForwardMetrics traffic = new ForwardMetrics(metrics, pool::strategy);
        TraceLog traces = new TraceLog();
        HealthMonitor health = new HealthMonitor(pool, config.health(), HeartbeatListener.all(heartbeats, poolMetrics));
        try {
            // A cold pool may boot slower than an /add answers: the fresh start gets the readiness deadline.
            pool.bootstrap(config.replicas(), config.readyTimeout());
            health.start();
            AdminApi admin = new AdminApi(pool, capacity, strategies, new StatusSources(traffic, heartbeats, history, traces),
                    List.of(new AdminPage("/metrics", Metrics.CONTENT_TYPE, metrics::scrape)), config.adminToken());
            int adminPort = admin.start(LOOPBACK, 0);
            FrontDoor frontDoor = FrontDoor.builder()
                    .bind("0.0.0.0", config.port())
                    .eventLoops(config.eventLoops())
                    .pickers(pool.pickers())
                    .listener(ForwardListener.all(health, stats, traffic))
                    .tracer(Tracer.of(new PoolExplainer(pool, stats), traces))
                    .keyHasher(RequestKeys::toNumber)
                    .admin(AdminApi.PATHS, new InetSocketAddress(LOOPBACK, adminPort))
                    .connectTimeout(config.connectTimeout())
                    .responseTimeout(config.responseTimeout())
                    .limits(config.limits())
                    .build()
                    .start();
            pool.onLeave(frontDoor::replicaLeft);
            health.readAnswersFrom(frontDoor::answeredBy); // a late heartbeat from a replica still serving is "busy"
            health.readLastAnswersFrom(frontDoor::lastAnswerNanos); // so is a failed forward to it
            FrontDoorMetrics.register(metrics, frontDoor.counters());
            log.info("balancer listening on port {} ({} runtime, strategy {}, hash {}, replicas {})", frontDoor.port(),
                    config.runtime().name().toLowerCase(java.util.Locale.ROOT), strategy.name(), ring.preset().name(),
                    pool.names());
            return new Balancer(pool, health, admin, frontDoor);
        } catch (IOException e) {
            health.close();
            pool.close();
            throw new UncheckedIOException("cannot listen on port " + config.port() + ": " + e.getMessage(), e);
        } catch (PoolException | RuntimeException e) {
            health.close();
            pool.close();
            throw e;
        }
    }

    /** The port clients and operators use. */
    public int port() {
        return frontDoor.port();
    }

    public ReplicaPool pool() {
        return pool;
    }

    private static RingConfig ringConfig(BalancerConfig config) {
        try {
            return RingConfig.withPreset(config.hashPreset());
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("LB_HASH", config.hashPreset(), e.getMessage());
        }
    }

    private static RoutingStrategy strategy(BalancerConfig config, StrategyContext strategies) {
        try {
            return Strategies.create(config.strategy(), java.util.Map.of(), strategies);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("LB_STRATEGY", config.strategy(), e.getMessage());
        }
    }

    private static ReplicaRuntime runtime(BalancerConfig config) {
        ReadinessProbe readiness = new ReadinessProbe(config.readyTimeout());
        return switch (config.runtime()) {
            case DOCKER -> new DockerRuntime(config.docker(), readiness);
            case STATIC -> new StaticRuntime(config.backends());
            case SWARM -> new SwarmRuntime(config.docker(), readiness);
            case PROCESS -> {
                try {
                    yield new ProcessRuntime(Path.of(config.serverJar()), readiness);
                } catch (IllegalArgumentException e) {
                    throw new InvalidSettingException("LB_SERVER_JAR", config.serverJar(), "a built server.jar");
                }
            }
        };
    }

    /**
     * Stops the front door, then the admin API. Replicas keep running in the docker runtime (a restarted balancer
     * adopts them); the process runtime stops its children, which would otherwise outlive the balancer.
     */
    @Override
    public void close() {
        frontDoor.close();
        admin.close();
        health.close();
        pool.close();
    }
}
