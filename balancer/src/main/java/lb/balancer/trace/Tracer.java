package lb.balancer.trace;

/**
 * Starts the {@link Trace} of a request that asked for one. {@link #OFF} traces nothing (a front door built without
 * one, as in most tests).
 */
@FunctionalInterface
public interface Tracer {

    /** @return the request's trace, or null when tracing is off */
    Trace start(String key, KeySource source, long hash);

    Tracer OFF = (key, source, hash) -> null;

    /** Traces with {@code explainer}, keeping each finished trace in {@code log}. */
    static Tracer of(Explainer explainer, TraceLog log) {
        return (key, source, hash) -> new Trace(key, source, hash, explainer, log);
    }
}
