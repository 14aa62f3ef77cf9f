package lb.hashring;

/**
 * A pair of hash functions for the ring: {@code H} places requests, {@code Φ} places virtual nodes (SPEC §2).
 *
 * <p>Contract for implementations: both methods are pure functions of their arguments (same inputs, same slot, in
 * every JVM), return a value in {@code [0, slots)}, and are exact, i.e. they never let an intermediate overflow
 * change the mathematical result of the documented formula. Implementations are immutable and thread-safe.
 * The built-in presets are found by name in {@link HashPresets}.
 */
public interface HashPreset {

    /** The lower-case name under which {@link HashPresets#byName(String)} finds this preset. */
    String name();

    /**
     * {@code H(requestId) mod slots}.
     *
     * @param requestId a request id; callers pass non-negative ids (see {@link RequestKeys#toNumber(String)}),
     *                  but the built-in presets are also exact for negative ones
     * @param slots     the ring size, at least 1
     * @return the slot in {@code [0, slots)}
     */
    int requestSlot(long requestId, int slots);

    /**
     * {@code Φ(serverId, replica) mod slots}: the home slot of virtual node {@code replica} of a server, before
     * linear probing.
     *
     * @param serverId a positive server id
     * @param replica  the virtual node number {@code j}, in {@code [0, virtualNodes)}
     * @param slots    the ring size, at least 1
     * @return the slot in {@code [0, slots)}
     */
    int virtualNodeSlot(int serverId, int replica, int slots);
}
