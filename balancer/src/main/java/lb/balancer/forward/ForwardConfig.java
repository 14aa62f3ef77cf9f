package lb.balancer.forward;

import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import lb.balancer.replica.ForwardListener;
import lb.balancer.routing.Picker;
import lb.balancer.trace.Tracer;

/**
 * The front door's validated settings, shared read-only by every event loop. Durations are in nanoseconds.
 *
 * @param idleTimeoutNanos  a keep-alive connection with no request started is closed after this
 * @param headTimeoutNanos  a request head must be complete this long after its first byte (slowloris), else 408
 * @param bodyTimeoutNanos  longest a request body may stall; together with {@code minBodyRate} it bounds trickling
 * @param minBodyRate       bytes per second a body must average; each byte read buys {@code 1/minBodyRate} s, and
 *                          credit never exceeds {@code bodyTimeoutNanos}
 * @param maxRequestBody    largest request body accepted (413 beyond when declared; the connection closes when a
 *                          chunked body exceeds it)
 * @param tracer            starts the decision trace of a request that sends {@code X-LB-Trace: 1}
 */
record ForwardConfig(
        Supplier<Picker> pickers,
        ForwardListener listener,
        ToLongFunction<String> keyHasher,
        Set<String> adminPaths,
        String adminHost,
        int adminPort,
        long connectTimeoutNanos,
        long responseTimeoutNanos,
        int maxTries,
        long idleTimeoutNanos,
        long headTimeoutNanos,
        long bodyTimeoutNanos,
        long minBodyRate,
        long upstreamIdleTimeoutNanos,
        long maxRequestBody,
        ReplicaLimits limits,
        Tracer tracer) {
}
