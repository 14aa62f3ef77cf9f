package lb.balancer.trace;

import java.util.Locale;

/** Where a request's key came from (SPEC §2): the {@code X-Request-Id} header, the {@code id} query parameter, or none. */
public enum KeySource {
    HEADER, QUERY, RANDOM;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
