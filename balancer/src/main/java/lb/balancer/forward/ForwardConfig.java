package lb.balancer.forward;

import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import lb.balancer.replica.ForwardListener;
import lb.balancer.routing.Picker;

/** The front door's validated settings, shared read-only by every event loop. Durations are in nanoseconds. */
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
        long clientIdleTimeoutNanos,
        long upstreamIdleTimeoutNanos,
        int maxRequestBody) {
}
