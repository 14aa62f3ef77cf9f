package lb.balancer.health;

import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;

/**
 * The result of one {@code GET /heartbeat}.
 *
 * @param at     when it was sent
 * @param ok     whether the replica answered 200
 * @param result {@code "200"}, {@code "status 503"}, {@code "timeout"}, {@code "connect timeout"},
 *               {@code "connection refused"}, or the failure's class name for anything else
 * @param took   from sending it to its answer or failure
 */
public record Heartbeat(Instant at, boolean ok, String result, Duration took) {

    /** Whether {@code error} is a timeout (connecting or waiting for the answer), the failure a busy replica shows. */
    static boolean timedOut(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return e instanceof HttpTimeoutException; // HttpConnectTimeoutException is one too
    }

    /** What a heartbeat that ended with {@code status} or {@code error} says, in the words above. */
    static String describe(int status, Throwable error) {
        if (error == null) {
            return status == 200 ? "200" : "status " + status;
        }
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof HttpConnectTimeoutException) return "connect timeout";
        if (e instanceof HttpTimeoutException) return "timeout";
        if (e instanceof ConnectException) return "connection refused";
        return e.getClass().getSimpleName();
    }
}
