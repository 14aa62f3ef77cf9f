package lb.balancer.api;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Set;

/**
 * Who may change the pool. Checked inside the admin API, not at the front door: the API's loopback port can be
 * reached without passing the front door.
 *
 * <ul>
 *   <li>{@code X-HTTP-Method-Override} is refused outright (400): Javalin honours it, so {@code GET /rm} with
 *       {@code X-HTTP-Method-Override: DELETE} would reach the remove handler.</li>
 *   <li>With a token ({@code LB_ADMIN_TOKEN}), {@code /add}, {@code /rm}, {@code PUT /strategy} and anything else
 *       that is not a {@code GET} of {@code /rep}, {@code /status}, {@code /strategy}, {@code /metrics}, {@code /ring} or
 *       {@code /dashboard} need
 *       {@code Authorization: Bearer <token>}; else 401. Without a token every request is let through, as before.</li>
 * </ul>
 * The token is compared as SHA-256 digests with {@link MessageDigest#isEqual}, so neither its bytes nor its length
 * show in the time a refusal takes.
 */
final class AdminAccess {

    static final String METHOD_OVERRIDE = "X-HTTP-Method-Override";
    static final String OVERRIDE_REFUSED = "X-HTTP-Method-Override is not supported";
    static final String TOKEN_REQUIRED = "This endpoint needs 'Authorization: Bearer <token>' (LB_ADMIN_TOKEN)";
    static final String TOKEN_WRONG = "The bearer token is not the admin token";

    private static final String BEARER = "bearer ";
    private static final Set<String> OPEN_PATHS = Set.of("/rep", "/status", "/strategy", "/metrics", "/ring",
            "/dashboard");

    /** SHA-256 of the token; null when no token is set. */
    private final byte[] tokenDigest;

    /** @param token the admin token, or null/blank for none */
    AdminAccess(String token) {
        this.tokenDigest = token == null || token.isBlank() ? null : sha256(token);
    }

    /** Throws the refusal for {@code ctx}, or returns when the request may go on. */
    void check(Context ctx) {
        if (ctx.header(METHOD_OVERRIDE) != null) throw ApiError.badRequest(OVERRIDE_REFUSED);
        if (tokenDigest == null || !guarded(ctx.req().getMethod(), ctx.path())) return;
        String auth = ctx.header("Authorization");
        if (auth == null || auth.length() <= BEARER.length()
                || !auth.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            throw unauthorized(ctx, TOKEN_REQUIRED);
        }
        byte[] given = sha256(auth.substring(BEARER.length()).trim());
        if (!MessageDigest.isEqual(given, tokenDigest)) throw unauthorized(ctx, TOKEN_WRONG);
    }

    /**
     * Everything but the reads needs the token. Fail closed: a path spelled any other way ({@code /%61dd},
     * {@code //add}) is guarded too, whatever the router later makes of it.
     */
    static boolean guarded(String method, String path) {
        boolean read = "GET".equals(method) || "HEAD".equals(method);
        return !(read && OPEN_PATHS.contains(path));
    }

    private static ApiError unauthorized(Context ctx, String message) {
        ctx.header("WWW-Authenticate", "Bearer realm=\"lb-admin\"");
        return new ApiError(401, message);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
