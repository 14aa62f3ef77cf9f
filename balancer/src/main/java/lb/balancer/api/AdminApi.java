package lb.balancer.api;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lb.balancer.membership.PoolException;
import lb.balancer.membership.ReplicaPool;
import lb.balancer.routing.RoutingStrategy;
import lb.balancer.routing.Strategies;
import lb.balancer.routing.StrategyContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's API (SPEC §3): {@code GET /rep}, {@code POST /add}, {@code DELETE /rm}; and beyond the spec
 * {@code GET /status} (health and measured latency per replica), {@code GET/PUT /strategy} (SPEC §5: read or switch
 * the routing strategy live), {@code GET /ring} (the ring slot by slot) and {@code GET /dashboard} (a live page of
 * all of it). A Javalin app on an internal loopback port; the front door relays these paths to it.
 *
 * <p>Every refusal is {@code {"message": "<Error> ...", "status": "failure"}} with a 4xx (bad input, conflicts) or
 * 503 (runtime unreachable), and changes nothing.
 */
public final class AdminApi implements AutoCloseable {

    /** The paths the front door hands to this API instead of forwarding to replicas. */
    public static final Set<String> PATHS = Set.of("/rep", "/add", "/rm", "/status", "/strategy", "/metrics",
            "/ring", "/dashboard");

    /** Largest admin request body; a change request is a few hundred bytes. */
    static final int MAX_BODY = 64 * 1024;
    static final String BODY_TOO_LARGE = "Request body too large: the admin API takes at most " + MAX_BODY + " bytes";
    static final String TOO_MANY_TO_ADD = "Length of hostname list is more than newly added instances";
    static final String TOO_MANY_TO_REMOVE = "Length of hostname list is more than removable instances";

    private static final Logger log = LoggerFactory.getLogger(AdminApi.class);

    private final ReplicaPool pool;
    private final int maxReplicas;
    /** What new strategies are built with (and the stats {@code /status} shows). */
    private final StrategyContext strategies;
    private final StatusSources sources;
    private final Javalin app;
    private final DashboardPage dashboard = DashboardPage.load();

    /** An API without a token: every endpoint open (tests, and a balancer started without {@code LB_ADMIN_TOKEN}). */
    public AdminApi(ReplicaPool pool, int maxReplicas, StrategyContext strategies) {
        this(pool, maxReplicas, strategies, StatusSources.none(), List.of(), null);
    }

    /** An API locked by {@code token} (see {@link AdminAccess}), with nothing but the pool's state in /status. */
    public AdminApi(ReplicaPool pool, int maxReplicas, StrategyContext strategies, String token) {
        this(pool, maxReplicas, strategies, StatusSources.none(), List.of(), token);
    }

    /** An API without a token. */
    public AdminApi(ReplicaPool pool, int maxReplicas, StrategyContext strategies, StatusSources sources,
            List<AdminPage> pages) {
        this(pool, maxReplicas, strategies, sources, pages, null);
    }

    /**
     * @param strategies the ring settings, stats and randomness that {@code PUT /strategy} builds strategies with
     * @param sources    what {@code /status} tells besides the pool's state (traffic, heartbeats, history)
     * @param pages      read-only pages served besides the JSON endpoints ({@code GET /metrics})
     * @param token      {@code LB_ADMIN_TOKEN}: the bearer token that changes need (see {@link AdminAccess}); null for
     *                   none
     */
    public AdminApi(ReplicaPool pool, int maxReplicas, StrategyContext strategies, StatusSources sources,
            List<AdminPage> pages, String token) {
        AdminAccess access = new AdminAccess(token);
        this.pool = pool;
        this.maxReplicas = maxReplicas;
        this.strategies = strategies;
        this.sources = sources;
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.concurrency.useVirtualThreads = true;
            config.http.prefer405over404 = true;
            config.http.maxRequestSize = MAX_BODY;
            config.routes.before(access::check);
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            config.routes.get("/rep", this::replicas);
            config.routes.get("/status", this::status);
            config.routes.post("/add", this::add);
            config.routes.delete("/rm", this::remove);
            config.routes.get("/strategy", this::strategy);
            config.routes.put("/strategy", this::switchStrategy);
            config.routes.get("/ring", this::ring);
            config.routes.get("/dashboard", this::dashboard);
            for (AdminPage page : pages) {
                config.routes.get(page.path(), ctx -> ctx.contentType(page.contentType()).result(page.body().get()));
            }
            config.routes.exception(ApiError.class, (error, ctx) -> fail(ctx, error.status(), error.getMessage()));
            // Javalin's own refusals (a body over MAX_BODY is a 413) would be text/plain: answer them in the API's shape.
            config.routes.exception(HttpResponseException.class, (error, ctx) -> fail(ctx, error.getStatus(),
                    error.getStatus() == 413 ? BODY_TOO_LARGE : error.getMessage()));
            config.routes.error(404, ctx -> fail(ctx, 404, "'" + ctx.path() + "' is not an admin endpoint"));
            config.routes.error(405, ctx -> fail(ctx, 405, "Method " + ctx.method() + " is not allowed on " + ctx.path()));
        });
    }

    /** Starts on {@code host:port} (port 0 = any free port) and returns the bound port. */
    public int start(String host, int port) {
        app.start(host, port);
        return app.port();
    }

    private void replicas(Context ctx) {
        succeed(ctx, pool.names());
    }

    /** Which replicas take traffic right now and why not the others: the insight {@code /rep} does not give. */
    private void status(Context ctx) {
        ctx.status(200).contentType("application/json")
                .result(JsonText.success(StatusView.of(pool, strategies.stats(), sources)));
    }

    /** The ring the strategy routes on, slot by slot: what the dashboard draws. */
    private void ring(Context ctx) {
        ctx.status(200).contentType("application/json")
                .result(JsonText.success(RingView.of(pool, strategies.ring())));
    }

    private void dashboard(Context ctx) {
        ctx.status(200).contentType("text/html; charset=utf-8").header("Cache-Control", "no-store")
                .result(dashboard.html());
    }

    private void add(Context ctx) {
        ChangeRequest request = ChangeRequest.parseAdd(ctx.body(), maxReplicas, TOO_MANY_TO_ADD);
        log.info("add n={} hostnames={} profile={}", request.n(), request.hostnames(), request.profile());
        succeed(ctx, change(() -> pool.add(request.n(), request.hostnames(), request.profile())));
    }

    private void remove(Context ctx) {
        ChangeRequest request = ChangeRequest.parse(ctx.body(), maxReplicas, TOO_MANY_TO_REMOVE);
        log.info("rm n={} hostnames={}", request.n(), request.hostnames());
        succeed(ctx, change(() -> pool.remove(request.n(), request.hostnames())));
    }

    private void strategy(Context ctx) {
        ctx.status(200).contentType("application/json")
                .result(JsonText.success(StrategyRequest.describe(pool.strategy())));
    }

    /** Builds the requested strategy first, so a refused request changes nothing. */
    private void switchStrategy(Context ctx) {
        StrategyRequest request = StrategyRequest.parse(ctx.body());
        RoutingStrategy next;
        try {
            next = Strategies.create(request.name(), request.params(), request.hash(), strategies);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        pool.useStrategy(next);
        log.info("strategy is now {}", StrategyRequest.describe(next));
        strategy(ctx);
    }

    private static List<String> change(PoolChange change) {
        try {
            return change.apply();
        } catch (PoolException e) {
            log.warn("refused: {}", e.getMessage());
            throw new ApiError(statusOf(e.reason()), e.getMessage());
        }
    }

    static int statusOf(PoolException.Reason reason) {
        return switch (reason) {
            case INVALID -> 400;
            case CONFLICT, NOT_SUPPORTED -> 409;
            case UNAVAILABLE -> 503;
            case START_FAILED -> 500;
        };
    }

    private static void succeed(Context ctx, List<String> replicas) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("N", replicas.size());
        message.put("replicas", replicas);
        ctx.status(200).contentType("application/json").result(JsonText.success(message));
    }

    private static void fail(Context ctx, int status, String message) {
        ctx.status(status).contentType("application/json").result(JsonText.failure(message));
    }

    @FunctionalInterface
    private interface PoolChange {
        List<String> apply() throws PoolException;
    }

    @Override
    public void close() {
        app.stop();
    }
}
