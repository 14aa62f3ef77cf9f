package lb.hashring;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The registry of built-in {@link HashPreset}s, found by lower-case name in one explicit table.
 *
 * <ul>
 *   <li>{@code mixed} (the default): {@code H(i) = mix(i + γ)} and {@code Φ(i, j) = mix((i << 32 | j) + δ)},
 *       where {@code mix} is Stafford's variant 13 64-bit finalizer (the one SplitMix64 uses), {@code γ} the
 *       SplitMix64 golden gamma and {@code δ} a second odd constant so that request ids and (server, replica)
 *       pairs do not share a sequence. {@code (i << 32 | j)} is injective for {@code i, j ≥ 0} and {@code mix} is a
 *       bijection on 64-bit values, so distinct (i, j) pairs never collide before the reduction to a slot. The
 *       64-bit result is reduced as an unsigned number: {@code Long.remainderUnsigned(h, slots)}.</li>
 *   <li>{@code assignment}: {@code H(i) = i² + 2i + 17}, {@code Φ(i, j) = i² + j² + 2j + 25} (the course
 *       assignment's published form; {@code H} reaches only 87 of 512 slots).</li>
 *   <li>{@code assignment-variant}: {@code H(i) = i + 2i² + 17}, {@code Φ(i, j) = i + j + 2j² + 25} (another
 *       circulating form; badly skewed towards server 1).</li>
 * </ul>
 *
 * <p>Exactness of the polynomial presets: a polynomial with integer coefficients satisfies
 * {@code p(i) mod m = p(i mod m) mod m}, so each operand is first reduced with {@link Math#floorMod(long, long)}
 * (which also keeps negative ids exact) and the polynomial is evaluated on the residue {@code r < slots ≤ 2³¹}.
 * Every intermediate ({@code 2r² + r + 17}, {@code i² + j² + 2j + 25}, ...) then stays below {@code 2⁶³}, so nothing
 * overflows and the result equals the exact
 * {@code p(i) mod slots} for every 64-bit id (checked against {@link java.math.BigInteger} in the tests).
 *
 * <p>Stateless and thread-safe.
 */
public final class HashPresets {

    private static final HashPreset MIXED = new Mixed();

    /** The one registry table: lower-case name → preset, in the order {@link #names()} lists them. */
    private static final Map<String, HashPreset> BY_NAME = table(MIXED, new Assignment(), new AssignmentVariant());

    private HashPresets() {
    }

    /**
     * Finds a preset by name; the name is matched case-insensitively (the table holds lower-case names).
     *
     * @throws IllegalArgumentException for an unknown name; the message lists the valid names
     * @throws NullPointerException     if {@code name} is null
     */
    public static HashPreset byName(String name) {
        Objects.requireNonNull(name, "hash preset name");
        HashPreset preset = BY_NAME.get(name.toLowerCase(Locale.ROOT));
        if (preset == null) {
            throw new IllegalArgumentException(
                    "unknown hash preset '" + name + "'; valid presets: " + String.join(", ", names()));
        }
        return preset;
    }

    /** The valid preset names, default first. */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    /** The well-mixed default preset, {@code mixed}. */
    public static HashPreset mixed() {
        return MIXED;
    }

    private static Map<String, HashPreset> table(HashPreset... presets) {
        Map<String, HashPreset> byName = new LinkedHashMap<>();
        for (HashPreset preset : presets) {
            byName.put(preset.name(), preset);
        }
        return byName;
    }

    /** {@code floorMod} to a residue in {@code [0, slots)}, the first step of every exact polynomial preset. */
    private static long residue(long value, int slots) {
        return Math.floorMod(value, (long) slots);
    }

    private record Mixed() implements HashPreset {
        private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
        private static final long NODE_SEED = 0xD1B54A32D192ED03L;

        @Override
        public String name() {
            return "mixed";
        }

        @Override
        public String toString() {
            return name();
        }

        @Override
        public int requestSlot(long requestId, int slots) {
            return (int) Long.remainderUnsigned(mix(requestId + GOLDEN_GAMMA), slots);
        }

        @Override
        public int virtualNodeSlot(int serverId, int replica, int slots) {
            long pair = ((long) serverId << 32) | (replica & 0xFFFF_FFFFL);
            return (int) Long.remainderUnsigned(mix(pair + NODE_SEED), slots);
        }

        /** Stafford's variant 13 finalizer: a bijection on 64-bit values with full avalanche. */
        static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }
    }

    private record Assignment() implements HashPreset {
        @Override
        public String name() {
            return "assignment";
        }

        @Override
        public String toString() {
            return name();
        }

        @Override
        public int requestSlot(long requestId, int slots) {
            long r = residue(requestId, slots);
            return (int) ((r * r + 2 * r + 17) % slots);
        }

        @Override
        public int virtualNodeSlot(int serverId, int replica, int slots) {
            long i = residue(serverId, slots);
            long j = residue(replica, slots);
            return (int) ((i * i + j * j + 2 * j + 25) % slots);
        }
    }

    private record AssignmentVariant() implements HashPreset {
        @Override
        public String name() {
            return "assignment-variant";
        }

        @Override
        public String toString() {
            return name();
        }

        @Override
        public int requestSlot(long requestId, int slots) {
            long r = residue(requestId, slots);
            return (int) ((r + 2 * r * r + 17) % slots);
        }

        @Override
        public int virtualNodeSlot(int serverId, int replica, int slots) {
            long i = residue(serverId, slots);
            long j = residue(replica, slots);
            return (int) ((i + j + 2 * j * j + 25) % slots);
        }
    }
}
