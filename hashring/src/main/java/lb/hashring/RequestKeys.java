package lb.hashring;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Turns a client's request key (header {@code X-Request-Id} or query {@code ?id=}) into the non-negative request id
 * that the ring hashes (SPEC §2: numeric keys are used as numbers, other keys are hashed to a number first).
 *
 * <p>Stateless and thread-safe.
 */
public final class RequestKeys {

    private static final long FNV_OFFSET_BASIS = 0xCBF29CE484222325L;
    private static final long FNV_PRIME = 0x100000001B3L;

    private RequestKeys() {
    }

    /**
     * The request id of a key, always in {@code [0, Long.MAX_VALUE]}.
     * <ul>
     *   <li>A key of ASCII digits only, 1 to 19 of them, whose value fits in a {@code long}, is that number:
     *       {@code "123456" → 123456}; leading zeros are allowed ({@code "007" → 7}).</li>
     *   <li>Every other key (empty, signed like {@code "-5"} or {@code "+5"}, with spaces, non-ASCII digits, or too
     *       large, like {@code "9223372036854775808"}) is hashed: FNV-1a 64 over its UTF-8 bytes, with the sign bit
     *       cleared ({@code & Long.MAX_VALUE}). The hash is fixed by this contract, so a key maps to the same id in
     *       every JVM and release.</li>
     * </ul>
     *
     * @throws NullPointerException if {@code key} is null
     */
    public static long toNumber(String key) {
        Objects.requireNonNull(key, "key");
        long number = parseDecimal(key);
        return number >= 0 ? number : fnv1a64(key) & Long.MAX_VALUE;
    }

    /** The value of an all-ASCII-digit key that fits in a non-negative long, or −1. */
    private static long parseDecimal(String key) {
        if (key.isEmpty() || key.length() > 19) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            int digit = c - '0';
            if (value > (Long.MAX_VALUE - digit) / 10) {
                return -1; // would overflow
            }
            value = value * 10 + digit;
        }
        return value;
    }

    private static long fnv1a64(String key) {
        long hash = FNV_OFFSET_BASIS;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xFF;
            hash *= FNV_PRIME;
        }
        return hash;
    }
}
