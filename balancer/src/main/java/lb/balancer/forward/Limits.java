package lb.balancer.forward;

import java.time.Duration;

/**
 * The data path's deadlines and caps against slow, greedy or hostile clients, with safe defaults. Each has an
 * environment variable (parsed by the balancer's config parser) and a peer in nginx or HAProxy:
 *
 * <table>
 *   <caption>limits</caption>
 *   <tr><th>setting</th><th>variable</th><th>default</th><th>peer</th></tr>
 *   <tr><td>{@code idleTimeout}</td><td>{@code LB_IDLE_TIMEOUT_MS}</td><td>60 s</td>
 *       <td>HAProxy {@code timeout http-keep-alive}</td></tr>
 *   <tr><td>{@code headTimeout}</td><td>{@code LB_HEAD_TIMEOUT_MS}</td><td>10 s</td>
 *       <td>HAProxy {@code timeout http-request}</td></tr>
 *   <tr><td>{@code bodyTimeout}</td><td>{@code LB_BODY_TIMEOUT_MS}</td><td>10 s</td>
 *       <td>nginx {@code client_body_timeout}</td></tr>
 *   <tr><td>{@code minBodyRate}</td><td>{@code LB_MIN_BODY_RATE}</td><td>1024 B/s</td>
 *       <td>Apache {@code RequestReadTimeout MinRate}</td></tr>
 *   <tr><td>{@code maxConnections}</td><td>{@code LB_MAX_CONNECTIONS}</td><td>16384</td>
 *       <td>HAProxy {@code maxconn} (global)</td></tr>
 *   <tr><td>{@code maxRequestBody}</td><td>{@code LB_MAX_BODY_BYTES}</td><td>8 MiB</td>
 *       <td>nginx {@code client_max_body_size}</td></tr>
 *   <tr><td>{@code replicaMaxConcurrent}</td><td>{@code LB_REPLICA_MAX_CONCURRENT}</td><td>128</td>
 *       <td>HAProxy server {@code maxconn}</td></tr>
 *   <tr><td>{@code replicaMaxQueue}</td><td>{@code LB_REPLICA_MAX_QUEUE}</td><td>1024</td>
 *       <td>HAProxy server {@code maxqueue}</td></tr>
 *   <tr><td>{@code queueTimeout}</td><td>{@code LB_QUEUE_TIMEOUT_MS}</td><td>1 s</td>
 *       <td>HAProxy {@code timeout queue}</td></tr>
 * </table>
 *
 * A request over a replica's concurrency limit waits in that replica's queue; one beyond the queue, or that waits
 * longer than the queue timeout, gets a 503 at once, and so does one whose predicted wait (the waiters ahead of it
 * times the replica's measured time per freed slot, see {@link ReplicaGate}) is already longer than the queue
 * timeout: it would get the same 503, only a timeout later. The concurrency limit is also the cap on upstream connections
 * in use per replica (each request in flight holds one); idle ones are capped per event loop.
 */
public record Limits(
        Duration idleTimeout,
        Duration headTimeout,
        Duration bodyTimeout,
        long minBodyRate,
        int maxConnections,
        long maxRequestBody,
        int replicaMaxConcurrent,
        int replicaMaxQueue,
        Duration queueTimeout) {

    public static final Limits DEFAULTS = new Limits(Duration.ofSeconds(60), Duration.ofSeconds(10),
            Duration.ofSeconds(10), 1024, 16_384, 8L * 1024 * 1024, 128, 1024, Duration.ofSeconds(1));

    public Limits {
        positive(idleTimeout, "idleTimeout");
        positive(headTimeout, "headTimeout");
        positive(bodyTimeout, "bodyTimeout");
        positive(queueTimeout, "queueTimeout");
        if (minBodyRate < 1) throw new IllegalArgumentException("minBodyRate must be at least 1: " + minBodyRate);
        if (maxConnections < 1) throw new IllegalArgumentException("maxConnections must be at least 1: " + maxConnections);
        if (maxRequestBody < 0) throw new IllegalArgumentException("maxRequestBody must be >= 0: " + maxRequestBody);
        if (replicaMaxConcurrent < 1) {
            throw new IllegalArgumentException("replicaMaxConcurrent must be at least 1: " + replicaMaxConcurrent);
        }
        if (replicaMaxQueue < 0) throw new IllegalArgumentException("replicaMaxQueue must be >= 0: " + replicaMaxQueue);
    }

    public Limits withIdleTimeout(Duration d) {
        return new Limits(d, headTimeout, bodyTimeout, minBodyRate, maxConnections, maxRequestBody,
                replicaMaxConcurrent, replicaMaxQueue, queueTimeout);
    }

    public Limits withHeadTimeout(Duration d) {
        return new Limits(idleTimeout, d, bodyTimeout, minBodyRate, maxConnections, maxRequestBody,
                replicaMaxConcurrent, replicaMaxQueue, queueTimeout);
    }

    public Limits withBody(Duration timeout, long minRate) {
        return new Limits(idleTimeout, headTimeout, timeout, minRate, maxConnections, maxRequestBody,
                replicaMaxConcurrent, replicaMaxQueue, queueTimeout);
    }

    public Limits withMaxConnections(int n) {
        return new Limits(idleTimeout, headTimeout, bodyTimeout, minBodyRate, n, maxRequestBody,
                replicaMaxConcurrent, replicaMaxQueue, queueTimeout);
    }

    public Limits withReplicaQueue(int maxConcurrent, int maxQueue, Duration timeout) {
        return new Limits(idleTimeout, headTimeout, bodyTimeout, minBodyRate, maxConnections, maxRequestBody,
                maxConcurrent, maxQueue, timeout);
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive: " + d);
    }
}
