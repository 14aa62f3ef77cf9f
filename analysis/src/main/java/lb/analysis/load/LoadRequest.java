package lb.analysis.load;

import java.util.Map;

/**
 * One request of a workload: the ring key (sent as {@code X-Request-Id}), the path, and extra headers (e.g.
 * {@code X-LB-Region} for explicit targeting). Immutable.
 *
 * @param key     the request id the balancer hashes; negative means none is sent (the balancer picks a random one)
 * @param path    the path, e.g. {@code /home}
 * @param headers further request headers, usually empty
 */
public record LoadRequest(long key, String path, Map<String, String> headers) {

    public LoadRequest {
        headers = Map.copyOf(headers);
    }

    /** {@code GET path} with ring key {@code key}. */
    public static LoadRequest of(long key, String path) {
        return new LoadRequest(key, path, Map.of());
    }

    /** The same request with one more header. */
    public LoadRequest withHeader(String name, String value) {
        java.util.Map<String, String> more = new java.util.LinkedHashMap<>(headers);
        more.put(name, value);
        return new LoadRequest(key, path, more);
    }
}
