package lb.balancer.runtime;

/**
 * What a runtime can do, asked once by the pool instead of catching refusals.
 *
 * @param spawn   start and stop replicas on request ({@code /add}, {@code /rm})
 * @param replace start a new instance of a dead replica under the same name; without it a dead replica stays listed
 *                and returns when its heartbeats answer again (fixed backends)
 */
public record Capabilities(boolean spawn, boolean replace) {

    /** Containers and processes: the runtime owns its replicas. */
    public static final Capabilities OWNED = new Capabilities(true, true);
    /** Fixed backends the balancer fronts but does not own. */
    public static final Capabilities FIXED = new Capabilities(false, false);
}
