package lb.balancer.api;

import java.util.function.Supplier;

/**
 * A read-only page the admin API serves besides its JSON endpoints, such as {@code GET /metrics}: its path (which
 * must be one of {@link AdminApi#PATHS}, so the front door relays it), content type and body, made per request.
 */
public record AdminPage(String path, String contentType, Supplier<String> body) {

    public AdminPage {
        if (!AdminApi.PATHS.contains(path)) {
            throw new IllegalArgumentException(path + " is not one of the admin paths " + AdminApi.PATHS);
        }
    }
}
