package lb.balancer.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import lb.balancer.forward.Limits;

/**
 * The balancer's settings, parsed once at start-up by {@link BalancerConfigParser} (from {@code LB_*} environment
 * variables) and immutable afterwards.
 *
 * @param port            {@code LB_PORT}: the front door (clients and the admin API), default 5000
 * @param runtime         {@code LB_RUNTIME}: where replicas live
 * @param backends        {@code LB_BACKENDS}: base URLs of fixed backends, for the {@code static} runtime only
 * @param replicas        {@code LB_REPLICAS}: replicas started on a fresh start, default 3 (a restart adopts what runs)
 * @param strategy        {@code LB_STRATEGY}: routing strategy name, default {@code consistent-hash}
 * @param hashPreset      {@code LB_HASH}: hash preset name of the ring, default {@code mixed}
 * @param docker          settings of the {@code docker} runtime
 * @param serverJar       {@code LB_SERVER_JAR}: the replica jar the {@code process} runtime launches
 * @param connectTimeout  {@code LB_CONNECT_TIMEOUT_MS}: connecting to a replica, default 500 ms
 * @param responseTimeout {@code LB_RESPONSE_TIMEOUT_MS}: waiting for a replica's answer, default 30 s
 * @param readyTimeout    {@code LB_READY_TIMEOUT_MS}: a new replica must answer {@code /heartbeat} within this
 * @param health          active health checking of replicas
 * @param pool            bounds of admin calls and of ejection
 * @param eventLoops      {@code LB_EVENT_LOOPS}: data-path threads, default one per core
 * @param limits          the data path's deadlines and caps ({@code LB_HEAD_TIMEOUT_MS} and the rest; see
 *                        {@link Limits} for the table of variables and defaults)
 * @param adminToken      {@code LB_ADMIN_TOKEN}: the bearer token the admin API's changes need; null (unset) leaves
 *                        them open
 */
public record BalancerConfig(
        int port,
        RuntimeKind runtime,
        List<URI> backends,
        int replicas,
        String strategy,
        String hashPreset,
        DockerSettings docker,
        String serverJar,
        Duration connectTimeout,
        Duration responseTimeout,
        Duration readyTimeout,
        HealthSettings health,
        PoolSettings pool,
        int eventLoops,
        Limits limits,
        String adminToken) {

    public BalancerConfig {
        backends = List.copyOf(backends);
    }

    /** Where the replicas run. */
    public enum RuntimeKind {
        /** Containers started through the Docker API (the default in docker-compose). */
        DOCKER,
        /** Child JVM processes of server.jar on loopback ports: no Docker needed. */
        PROCESS,
        /** Existing backends the balancer does not own ({@code LB_BACKENDS}); /add and /rm are refused. */
        STATIC,
        /** One Docker Swarm service per replica, on an overlay network: replicas spread over a cluster's nodes. */
        SWARM
    }

    /**
     * How replicas are watched. A replica that fails {@code failures} heartbeats in a row is replaced; with the
     * defaults (every 100 ms, 500 ms timeout, 2 failures) a hung replica leaves the ring (first failure) within 0.6 s
     * and is declared dead within 1.2 s; deaths the runtime reports (a container's exit, a process's end) do not wait
     * for heartbeats at all. A killed container's address stops answering rather than refusing, so each failure costs
     * the full timeout; the interval is what is cheap to shorten (a heartbeat is one small request), the timeout is what
     * keeps a replica on a loaded machine from looking dead: 300 ms, the old default, was outlasted by run-queue delay
     * and GC on a loaded 2-core host in a live run and ejected healthy replicas. Three more guards keep overload from
     * looking like death: a late heartbeat of a replica that went on answering the data path is excused as busy; when
     * most of the pool fails at once heartbeats replace none for a grace period (the balancer is likelier starved);
     * and {@code LB_MAX_EJECTION_PERCENT} bounds the share taken out at once.
     *
     * @param interval {@code LB_HEALTH_INTERVAL_MS}: time between heartbeats to one replica, default 100 ms
     * @param timeout  {@code LB_HEALTH_TIMEOUT_MS}: a heartbeat not answered within this fails, default 500 ms
     * @param failures {@code LB_HEALTH_FAILURES}: consecutive failures that make a replica dead, default 2
     */
    public record HealthSettings(Duration interval, Duration timeout, int failures) {}

    /**
     * How the pool behaves under faults.
     *
     * @param adminTimeout       {@code LB_ADMIN_TIMEOUT_MS}: {@code /add} and {@code /rm} answer within this (done,
     *                           refused, or 503 with nothing changed); also bounds one replacement attempt; default
     *                           8000 ms
     * @param maxEjectionPercent {@code LB_MAX_EJECTION_PERCENT}: at most this share of the pool may be out of the ring
     *                           because of failed heartbeats or forwards (at least one replica always may); deaths
     *                           the runtime reports are not limited; default 50 (Envoy's {@code max_ejection_percent})
     */
    public record PoolSettings(Duration adminTimeout, int maxEjectionPercent) {}

    /**
     * @param serverImage {@code LB_SERVER_IMAGE}: the replica image, default {@code lb-server:latest}
     * @param network     {@code LB_NETWORK}: the network replicas join: a bridge, default {@code net1}; with the swarm
     *                    runtime an attachable overlay, default {@code lb-overlay}
     * @param pool        {@code LB_POOL}: label value that tells this balancer's containers from others', default
     *                    {@code lb}
     * @param memoryBytes {@code LB_REPLICA_MEMORY_MB}: memory limit per replica container, default 256 MiB
     * @param spares      {@code LB_SPARES}: booted spare containers kept ready to replace a dead replica in well
     *                    under a second, default 1 (0 turns them off: replacements then start a container); the
     *                    swarm runtime keeps none
     */
    public record DockerSettings(String serverImage, String network, String pool, long memoryBytes, int spares) {}
}
