package lb.balancer.health;

import java.time.Duration;
import java.time.Instant;

/**
 * The result of one {@code GET /heartbeat}.
 *
 * @param at     when it was sent
 * @param ok     whether the replica answered 200
 * @param result {@code "200"}, {@code "status 503"}, {@code "timeout"}, {@code "connect timeout"},
 *               {@code "connection refused"}, {@code "connection reset"}, {@code "connection closed"},
 *               {@code "bad response"}, or the failure's class name for anything else
 * @param took   from sending it to its answer or failure
 */
public record Heartbeat(Instant at, boolean ok, String result, Duration took) {
}
