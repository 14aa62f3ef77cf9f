package lb.balancer.routing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import lb.hashring.RingConfig;

/**
 * The registry of routing strategies by lower-case name: one explicit table, so the valid names are listed in one
 * place and an unknown name fails fast with all of them.
 */
public final class Strategies {

    private static final Map<String, Function<RingConfig, RoutingStrategy>> TABLE = new LinkedHashMap<>();

    static {
        TABLE.put(ConsistentHashStrategy.NAME, ConsistentHashStrategy::new);
    }

    private Strategies() {}

    /** The valid names, in a stable order. */
    public static List<String> names() {
        return List.copyOf(TABLE.keySet());
    }

    /**
     * The strategy called {@code name}, built over the ring settings {@code ring} (used by the hashing strategies).
     *
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     */
    public static RoutingStrategy create(String name, RingConfig ring) {
        Function<RingConfig, RoutingStrategy> factory = TABLE.get(name.toLowerCase(Locale.ROOT));
        if (factory == null) {
            throw new IllegalArgumentException("unknown strategy '" + name + "'; valid: " + String.join(", ", names()));
        }
        return factory.apply(ring);
    }
}
