package lb.balancer.routing;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lb.hashring.HashPresets;

/**
 * The registry of routing strategies by lower-case name: one explicit table, so the valid names and their
 * parameters are listed in one place, and an unknown name or parameter fails fast with the valid ones.
 *
 * <p>Immutable and thread-safe. Strategies that learn read the context's {@link ReplicaStats}; the balancer must
 * pass the same instance to the front door as its {@link ForwardListener}, or they see no traffic.
 */
public final class Strategies {

    /** Builds a strategy from checked parameter values (every declared parameter present). */
    @FunctionalInterface
    private interface Factory {
        RoutingStrategy create(Map<String, Number> params, StrategyContext context);
    }

    /** @param hashing whether the strategy routes on the ring, so it takes a hash preset ({@link HashingStrategy}) */
    private record Entry(List<StrategyParam> params, boolean hashing, Factory factory) {
        Entry(List<StrategyParam> params, Factory factory) {
            this(params, false, factory);
        }
    }

    private static final Map<String, Entry> TABLE = new LinkedHashMap<>();

    static {
        TABLE.put(ConsistentHashStrategy.NAME, new Entry(List.of(), true,
                (p, ctx) -> new ConsistentHashStrategy(ctx.ring())));
        TABLE.put(BoundedHashStrategy.NAME, new Entry(
                List.of(StrategyParam.decimal("c", BoundedHashStrategy.DEFAULT_C, 1.0, 100.0)), true,
                (p, ctx) -> new BoundedHashStrategy(ctx.ring(), ctx.stats(), p.get("c").doubleValue())));
        TABLE.put(RoundRobinStrategy.NAME, new Entry(List.of(),
                (p, ctx) -> new RoundRobinStrategy()));
        TABLE.put(LeastConnectionsStrategy.NAME, new Entry(List.of(),
                (p, ctx) -> new LeastConnectionsStrategy(ctx.stats())));
        TABLE.put(PowerOfTwoStrategy.NAME, new Entry(List.of(),
                (p, ctx) -> new PowerOfTwoStrategy(ctx.stats(), ctx.random())));
        TABLE.put(PeakEwmaStrategy.NAME, new Entry(List.of(),
                (p, ctx) -> new PeakEwmaStrategy(ctx.stats(), ctx.random())));
        TABLE.put(EpsilonGreedyStrategy.NAME, new Entry(
                List.of(StrategyParam.decimal("epsilon", EpsilonGreedyStrategy.DEFAULT_EPSILON, 0.0, 1.0),
                        StrategyParam.decimal("alpha", ReplicaStats.DEFAULT_ALPHA, 0.01, 1.0)),
                (p, ctx) -> new EpsilonGreedyStrategy(ctx.stats(), ctx.random(),
                        p.get("epsilon").doubleValue(), p.get("alpha").doubleValue())));
        TABLE.put(RegionAwareStrategy.NAME, new Entry(
                List.of(StrategyParam.whole("maxInFlight", RegionAwareStrategy.DEFAULT_MAX_IN_FLIGHT, 1, 1_000_000)),
                (p, ctx) -> new RegionAwareStrategy(ctx.stats(), ctx.random(), p.get("maxInFlight").intValue())));
    }

    private Strategies() {}

    /** The valid names, in a stable order (the default, {@code consistent-hash}, first). */
    public static List<String> names() {
        return List.copyOf(TABLE.keySet());
    }

    /**
     * The parameters the strategy called {@code name} accepts (empty for most).
     *
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     */
    public static List<StrategyParam> params(String name) {
        return entry(name).params();
    }

    /** The strategies that route on the ring and so take a hash preset, in {@link #names()} order. */
    public static List<String> hashingNames() {
        return TABLE.entrySet().stream().filter(e -> e.getValue().hashing()).map(Map.Entry::getKey).toList();
    }

    /**
     * The strategy called {@code name} (any case) with {@code params}, on a ring with the hash preset called
     * {@code hash} instead of the context's ({@code LB_HASH}); a null {@code hash} keeps the context's.
     *
     * @throws IllegalArgumentException as {@link #create(String, Map, StrategyContext)} does, and for a preset given
     *                                  to a strategy that does not hash (listing those that do) or an unknown preset
     *                                  (listing the valid ones)
     */
    public static RoutingStrategy create(String name, Map<String, ? extends Number> params, String hash,
                                         StrategyContext context) {
        if (hash == null) {
            return create(name, params, context);
        }
        if (!entry(name).hashing()) {
            throw new IllegalArgumentException("'hash' applies only to " + String.join(", ", hashingNames())
                    + ", not to '" + name.toLowerCase(Locale.ROOT) + "'");
        }
        return create(name, params, context.withPreset(HashPresets.byName(hash)));
    }

    /**
     * The strategy called {@code name} (any case) with {@code params} (absent ones take their defaults).
     *
     * @throws IllegalArgumentException for an unknown name (listing the valid ones), an unknown parameter (listing
     *                                  the strategy's), or a value of the wrong type or out of range
     */
    public static RoutingStrategy create(String name, Map<String, ? extends Number> params, StrategyContext context) {
        Entry entry = entry(name);
        Map<String, StrategyParam> declared = new HashMap<>();
        entry.params().forEach(param -> declared.put(param.name(), param));
        for (String given : params.keySet()) {
            if (!declared.containsKey(given)) {
                throw new IllegalArgumentException("Unknown parameter '" + given + "' for strategy '"
                        + name.toLowerCase(Locale.ROOT) + "'; " + accepted(entry.params()));
            }
        }
        Map<String, Number> values = new LinkedHashMap<>();
        for (StrategyParam param : entry.params()) {
            Number given = params.get(param.name());
            values.put(param.name(), given == null ? param.defaultNumber() : param.check(given));
        }
        return entry.factory().create(values, context);
    }

    private static Entry entry(String name) {
        Entry entry = TABLE.get(name.toLowerCase(Locale.ROOT));
        if (entry == null) {
            throw new IllegalArgumentException("Unknown strategy '" + name + "'; valid: " + String.join(", ", names()));
        }
        return entry;
    }

    private static String accepted(List<StrategyParam> params) {
        return params.isEmpty()
                ? "it takes no parameters"
                : "valid: " + String.join(", ", params.stream().map(StrategyParam::name).toList());
    }
}
