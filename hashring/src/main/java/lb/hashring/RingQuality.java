package lb.hashring;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How well a ring spreads requests: which slots {@code H} can reach, and per server the share of the ring it owns.
 *
 * <p>{@code reachableSlots} counts the distinct slots {@code H} yields over the request ids
 * {@code 0 .. SAMPLE_FACTOR·slots − 1}. For the polynomial presets {@code H(i) mod slots} depends only on
 * {@code i mod slots}, so this is exact (the {@code assignment} preset reaches 87 of 512 slots, because
 * {@code i² + 2i + 17 = (i + 1)² + 16} and there are 87 squares modulo 512). For {@code mixed} it is a sample of
 * 32 ids per slot; a given slot is missed with probability {@code e⁻³²}.
 *
 * <p>Per server, {@code slotsOwned} is the number of slots whose requests go to it (its arcs), and
 * {@code requestShare} the fraction of those sampled ids that land on its slots: the share of requests it gets when
 * ids are uniform modulo {@code slots} (random 6-digit ids nearly are). The two differ when {@code H} is uneven;
 * for the assignment presets {@code requestShare} is the figure that predicts load.
 *
 * @param preset         the preset's name
 * @param slots          the ring size
 * @param reachableSlots distinct slots that {@code H} reaches
 * @param servers        one entry per server, ascending id; unmodifiable
 */
public record RingQuality(String preset, int slots, int reachableSlots, List<ServerShare> servers) {

    /** Ids sampled per slot to measure reach and request share. */
    public static final int SAMPLE_FACTOR = 32;

    /**
     * One server's part of the ring.
     *
     * @param serverId     the server id
     * @param slotsOwned   slots whose requests go to this server
     * @param requestShare fraction of uniformly spread request ids that go to this server, in {@code [0, 1]}
     */
    public record ServerShare(int serverId, int slotsOwned, double requestShare) {
    }

    public RingQuality {
        Objects.requireNonNull(preset, "preset");
        servers = List.copyOf(servers);
    }

    /** Largest {@code slotsOwned} over the mean ({@code slots / servers}); 1 is perfect, 0 for an empty ring. */
    public double slotMaxOverMean() {
        int max = servers.stream().mapToInt(ServerShare::slotsOwned).max().orElse(0);
        return servers.isEmpty() ? 0 : max / ((double) slots / servers.size());
    }

    /** Largest {@code requestShare} over the mean ({@code 1 / servers}); 1 is perfect, 0 for an empty ring. */
    public double requestMaxOverMean() {
        double max = servers.stream().mapToDouble(ServerShare::requestShare).max().orElse(0);
        return max * servers.size();
    }

    static RingQuality of(HashRing ring) {
        RingConfig config = ring.config();
        int slots = config.slots();
        long[] hits = new long[slots];
        long samples = (long) SAMPLE_FACTOR * slots;
        for (long id = 0; id < samples; id++) {
            hits[config.preset().requestSlot(id, slots)]++;
        }
        int reachable = 0;
        for (long h : hits) {
            reachable += h > 0 ? 1 : 0;
        }
        List<Integer> ids = ring.servers();
        int[] owned = new int[ids.size()];
        long[] requests = new long[ids.size()];
        for (int slot = 0; slot < slots; slot++) {
            int rank = ids.indexOf(ring.routeOfSlot(slot));
            if (rank >= 0) {
                owned[rank]++;
                requests[rank] += hits[slot];
            }
        }
        List<ServerShare> shares = new ArrayList<>(ids.size());
        for (int rank = 0; rank < ids.size(); rank++) {
            shares.add(new ServerShare(ids.get(rank), owned[rank], requests[rank] / (double) samples));
        }
        return new RingQuality(config.preset().name(), slots, reachable, shares);
    }
}
