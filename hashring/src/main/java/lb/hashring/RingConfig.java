package lb.hashring;

import java.util.Objects;

/**
 * The shape of a ring: number of slots, virtual nodes per server ({@code K}) and hash preset. Immutable, validated
 * on construction.
 *
 * @param slots        ring size, at least 1 (SPEC: 512)
 * @param virtualNodes virtual nodes per server, in {@code [1, slots]} (SPEC: 9 = log2 512)
 * @param preset       the hash functions {@code H} and {@code Φ}
 */
public record RingConfig(int slots, int virtualNodes, HashPreset preset) {

    /** SPEC §2: 512 slots. */
    public static final int DEFAULT_SLOTS = 512;
    /** SPEC §2: 9 virtual nodes per server (log2 512). */
    public static final int DEFAULT_VIRTUAL_NODES = 9;

    /**
     * @throws IllegalArgumentException if {@code slots < 1} or {@code virtualNodes} is outside {@code [1, slots]}
     * @throws NullPointerException     if {@code preset} is null
     */
    public RingConfig {
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be at least 1, was " + slots);
        }
        if (virtualNodes < 1 || virtualNodes > slots) {
            throw new IllegalArgumentException(
                    "virtualNodes must be between 1 and slots (" + slots + "), was " + virtualNodes);
        }
        Objects.requireNonNull(preset, "preset");
    }

    /** 512 slots, 9 virtual nodes, the {@code mixed} preset. */
    public static RingConfig defaults() {
        return new RingConfig(DEFAULT_SLOTS, DEFAULT_VIRTUAL_NODES, HashPresets.mixed());
    }

    /**
     * 512 slots, 9 virtual nodes and the named preset.
     *
     * @throws IllegalArgumentException for an unknown preset name (the message lists the valid ones)
     */
    public static RingConfig withPreset(String presetName) {
        return new RingConfig(DEFAULT_SLOTS, DEFAULT_VIRTUAL_NODES, HashPresets.byName(presetName));
    }

    /** {@code ⌊slots / virtualNodes⌋}: the most servers whose virtual nodes all fit (56 for 512 / 9). */
    public int maxServers() {
        return slots / virtualNodes;
    }

    @Override
    public String toString() {
        return "RingConfig[slots=" + slots + ", virtualNodes=" + virtualNodes + ", preset=" + preset.name() + "]";
    }
}
