package lb.balancer.routing;

import java.util.Objects;

/**
 * One tunable number of a strategy, e.g. bounded-hash's {@code c}: its name, default and inclusive range. Integer
 * parameters only accept whole numbers. Immutable.
 *
 * @param name         the JSON field name in {@code PUT /strategy}
 * @param defaultValue used when the field is absent
 * @param min          the smallest accepted value
 * @param max          the largest accepted value
 * @param integer      whether only whole numbers are accepted (then values are {@link Integer}s, else {@link Double}s)
 */
public record StrategyParam(String name, double defaultValue, double min, double max, boolean integer) {

    public StrategyParam {
        Objects.requireNonNull(name, "name");
        if (!(min <= defaultValue && defaultValue <= max)) {
            throw new IllegalArgumentException(name + ": default " + defaultValue + " outside [" + min + ", " + max + "]");
        }
    }

    public static StrategyParam decimal(String name, double defaultValue, double min, double max) {
        return new StrategyParam(name, defaultValue, min, max, false);
    }

    public static StrategyParam whole(String name, int defaultValue, int min, int max) {
        return new StrategyParam(name, defaultValue, min, max, true);
    }

    /** The default as the value type of this parameter. */
    public Number defaultNumber() {
        return integer ? (Number) (int) defaultValue : (Number) defaultValue;
    }

    /**
     * {@code given} checked against type and range, as an {@link Integer} or a {@link Double}.
     *
     * @throws IllegalArgumentException naming the parameter, the accepted range and the given value
     */
    public Number check(Number given) {
        Objects.requireNonNull(given, name);
        double value = given.doubleValue();
        if (integer && !integral(given)) {
            throw new IllegalArgumentException("'" + name + "' must be a JSON integer, got " + given);
        }
        if (!(value >= min && value <= max)) { // also refuses NaN
            throw new IllegalArgumentException("'" + name + "' must be from " + render(min) + " to " + render(max)
                    + ", got " + given);
        }
        return integer ? (Number) (int) value : (Number) value;
    }

    private static boolean integral(Number n) {
        return n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte
                || n instanceof java.math.BigInteger;
    }

    private String render(double bound) {
        return integer ? Long.toString((long) bound) : Double.toString(bound);
    }
}
