package lb.hashring;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The consistent hash ring of SPEC §2: {@code slots} slots, {@code K} virtual nodes per server placed by
 * {@code Φ(i, j) mod slots} with linear probing on collision, and requests placed by {@code H(r) mod slots} and
 * served by the first virtual node at or clockwise after that slot (wrapping).
 *
 * <h2>A pure function of the server set</h2>
 * Linear probing alone makes a ring depend on the order in which servers arrived whenever two probe chains
 * collide. This ring removes that dependence: virtual nodes are always placed in <em>canonical order</em>, by
 * ascending server id and then {@code j = 0..K-1}, each at its home slot {@code Φ(i, j) mod slots} or, if that is
 * taken, the next free slot clockwise. Hence:
 * <ul>
 *   <li><b>Determinism:</b> the same config and the same set of ids, given in any order or reached through any
 *       sequence of {@link #withServer}/{@link #withoutServer} calls, yield the identical ring (slot for slot).
 *       A restarted balancer rebuilds exactly the ring it had.</li>
 *   <li><b>Exact monotonicity for the largest id:</b> adding a server whose id is larger than every present id
 *       only claims free slots, so every request that moves, moves to the new server; removing the server with the
 *       largest id moves only that server's requests (the result is the ring from before it was added). The
 *       balancer assigns ids in increasing order, so this is the common case.</li>
 *   <li><b>Bounded disturbance otherwise:</b> adding or removing a server with a smaller id still moves
 *       requests to (or away from) that server, but where one of its virtual nodes sits in the probe chain of a
 *       larger server's node, that node shifts by a slot or more, which moves a sliver of requests between two
 *       servers that did not change. Measured with the {@code mixed} preset, 512 slots, K = 9 and random ids
 *       ({@code HashRingMonotonicityTest}): with 3 to 6 servers one change in four to six moves any such slot, 0.3
 *       slots on average (0.06% of requests) and at most 4; in nearly full rings (40 to 55 servers, long probe
 *       clusters) about 25 slots on average (5%) and at most 81.</li>
 * </ul>
 * Why not exact monotonicity for every change: when a newcomer's node lands in a run of occupied slots, the run
 * grows by the free slot at its end. Requests landing on that slot used to pass the run and reach the next node, of
 * an unchanged server; for them to move only to the newcomer, the newcomer's node must take that end slot, so no
 * existing node may ever move. Then, of two servers whose nodes share a home slot, the one that arrived first keeps
 * it, and the same set of servers has two different rings depending on history. Any linear-probing ring that is a
 * function of the set therefore breaks exact monotonicity somewhere; this one resolves collisions in favour of
 * the smaller id, so that the newest (largest) id never displaces anyone.
 *
 * <h2>Lookup</h2>
 * Each membership change rebuilds a table of slot routes: for every slot, the server that a request landing there
 * goes to. {@link #serverFor(long)} is {@code H(r) mod slots} plus one array read. {@link #walk} and
 * {@link #nextServerAfter} follow the virtual nodes clockwise from the request's slot for retries and bounded-load
 * routing; they cost at most one step per virtual node ({@code slots} at most) and do not allocate (except the
 * convenience {@link #walk(long)}, and a walk over rings of more than 64 servers, which custom configs allow).
 *
 * <h2>Threading and failure</h2>
 * Instances are immutable and safe to share between threads without synchronisation; the tables never escape.
 * Invalid server ids, duplicates and exceeding {@link RingConfig#maxServers()} fail with
 * {@link IllegalArgumentException} and a message that names the problem.
 */
public final class HashRing {

    /** Returned by lookups on an empty ring (or when every server is excluded); never a valid server id. */
    public static final int NO_SERVER = 0;

    private final RingConfig config;
    /** Server ids, ascending; a server's index here is its rank. */
    private final int[] ids;
    /** Slot → id of the virtual node's server at that slot, or {@link #NO_SERVER}. */
    private final int[] owner;
    /** Slot → id of the server a request landing on that slot goes to, or {@link #NO_SERVER}. */
    private final int[] route;
    /** Rank of the owner of each virtual node, in clockwise (ascending slot) order. */
    private final int[] nodeRank;
    /** Slot → index in {@link #nodeRank} of the first virtual node at or clockwise after the slot. */
    private final int[] firstNode;

    private HashRing(RingConfig config, int[] sortedIds) {
        this.config = config;
        this.ids = sortedIds;
        int slots = config.slots();
        this.owner = new int[slots];
        this.route = new int[slots];
        this.firstNode = new int[slots];
        this.nodeRank = new int[sortedIds.length * config.virtualNodes()];
        int[] rankPlusOne = place(config, sortedIds);
        int count = 0;
        for (int slot = 0; slot < slots; slot++) {
            if (rankPlusOne[slot] != 0) {
                owner[slot] = sortedIds[rankPlusOne[slot] - 1];
                nodeRank[count++] = rankPlusOne[slot] - 1;
            }
        }
        if (count == 0) {
            return; // empty ring: every route stays NO_SERVER
        }
        // Walk counter-clockwise so that each slot sees the nearest node at or after it; past the last node the
        // ring wraps to node 0.
        int next = 0;
        for (int slot = slots - 1; slot >= 0; slot--) {
            if (rankPlusOne[slot] != 0) {
                next = --count;
            }
            firstNode[slot] = next;
            route[slot] = sortedIds[nodeRank[next]];
        }
    }

    /**
     * Linear probing in canonical order (ascending id, then replica). Capacity checks guarantee
     * {@code ids × K ≤ slots}, so a free slot always exists.
     *
     * @return slot → 1 + rank of the server whose virtual node sits there, 0 when free
     */
    private static int[] place(RingConfig config, int[] sortedIds) {
        int slots = config.slots();
        HashPreset preset = config.preset();
        int[] rankPlusOne = new int[slots];
        for (int rank = 0; rank < sortedIds.length; rank++) {
            for (int j = 0; j < config.virtualNodes(); j++) {
                int slot = preset.virtualNodeSlot(sortedIds[rank], j, slots);
                if (slot < 0 || slot >= slots) {
                    throw new IllegalStateException("hash preset " + preset.name() + " put virtual node ("
                            + sortedIds[rank] + ", " + j + ") at slot " + slot + ", outside [0, " + slots + ")");
                }
                while (rankPlusOne[slot] != 0) {
                    slot = slot + 1 == slots ? 0 : slot + 1;
                }
                rankPlusOne[slot] = rank + 1;
            }
        }
        return rankPlusOne;
    }

    /** A ring without servers: every lookup returns {@link #NO_SERVER}. */
    public static HashRing empty(RingConfig config) {
        return new HashRing(Objects.requireNonNull(config, "config"), new int[0]);
    }

    /**
     * The ring of a set of servers; the order of {@code serverIds} does not matter.
     *
     * @throws IllegalArgumentException if an id is not positive, appears twice, or there are more than
     *                                  {@link RingConfig#maxServers()} ids
     * @throws NullPointerException     if the config, the collection or an element is null
     */
    public static HashRing of(RingConfig config, Collection<Integer> serverIds) {
        Objects.requireNonNull(config, "config");
        int[] sorted = serverIds.stream().mapToInt(Integer::intValue).sorted().toArray();
        for (int i = 0; i < sorted.length; i++) {
            requirePositive(sorted[i]);
            if (i > 0 && sorted[i] == sorted[i - 1]) {
                throw new IllegalArgumentException("server " + sorted[i] + " is listed twice");
            }
        }
        if (sorted.length > config.maxServers()) {
            throw new IllegalArgumentException(fullMessage(config) + " (" + sorted.length + " given)");
        }
        return new HashRing(config, sorted);
    }

    /**
     * A new ring with one more server; this ring is unchanged.
     *
     * @throws IllegalArgumentException if {@code id} is not positive, already on the ring, or the ring is full
     */
    public HashRing withServer(int id) {
        requirePositive(id);
        int at = Arrays.binarySearch(ids, id);
        if (at >= 0) {
            throw new IllegalArgumentException("server " + id + " is already on the ring");
        }
        if (ids.length >= config.maxServers()) {
            throw new IllegalArgumentException(fullMessage(config));
        }
        int insert = -at - 1;
        int[] next = new int[ids.length + 1];
        System.arraycopy(ids, 0, next, 0, insert);
        next[insert] = id;
        System.arraycopy(ids, insert, next, insert + 1, ids.length - insert);
        return new HashRing(config, next);
    }

    /**
     * A new ring without the server; this ring is unchanged.
     *
     * @throws IllegalArgumentException if the server is not on the ring
     */
    public HashRing withoutServer(int id) {
        int at = Arrays.binarySearch(ids, id);
        if (at < 0) {
            throw new IllegalArgumentException("server " + id + " is not on the ring");
        }
        int[] next = new int[ids.length - 1];
        System.arraycopy(ids, 0, next, 0, at);
        System.arraycopy(ids, at + 1, next, at, ids.length - at - 1);
        return new HashRing(config, next);
    }

    /** The server for a request id, or {@link #NO_SERVER} when the ring is empty. O(1): a hash and an array read. */
    public int serverFor(long requestId) {
        return route[config.preset().requestSlot(requestId, config.slots())];
    }

    /** {@code H(requestId) mod slots}: the slot a request lands on. */
    public int slotOf(long requestId) {
        return config.preset().requestSlot(requestId, config.slots());
    }

    /**
     * The first server clockwise from the request's slot whose id is not in {@code excludedIds}: with no
     * exclusions this is {@link #serverFor(long)}; after a failed attempt on the primary it is the next distinct
     * replica clockwise. Bit {@code i} of {@code excludedIds} excludes server id {@code i}; ids of 64 and more cannot
     * be named in the mask and are never excluded (SPEC ids are at most 56).
     *
     * @return a server id, or {@link #NO_SERVER} if the ring is empty or every server is excluded
     */
    public int nextServerAfter(long requestId, long excludedIds) {
        if (nodeRank.length == 0) {
            return NO_SERVER;
        }
        int node = firstNode[slotOf(requestId)];
        for (int step = 0; step < nodeRank.length; step++) {
            int id = ids[nodeRank[node]];
            if (id >= Long.SIZE || (excludedIds & (1L << id)) == 0) {
                return id;
            }
            node = node + 1 == nodeRank.length ? 0 : node + 1;
        }
        return NO_SERVER;
    }

    /**
     * Writes the distinct servers met walking clockwise from the request's slot into {@code into}, the primary
     * ({@link #serverFor(long)}) first; every server on the ring appears exactly once.
     *
     * @param into an array of at least {@link #size()} elements
     * @return the number of ids written, {@link #size()}
     * @throws IllegalArgumentException if {@code into} is shorter than {@link #size()}
     */
    public int walk(long requestId, int[] into) {
        if (into.length < ids.length) {
            throw new IllegalArgumentException("walk needs room for " + ids.length + " ids, got " + into.length);
        }
        if (nodeRank.length == 0) {
            return 0;
        }
        // Ranks < 64 are tracked in a long; larger rings (possible with custom configs) use an array.
        boolean[] seenLarge = ids.length > Long.SIZE ? new boolean[ids.length] : null;
        long seen = 0;
        int count = 0;
        int node = firstNode[slotOf(requestId)];
        for (int step = 0; step < nodeRank.length && count < ids.length; step++) {
            int rank = nodeRank[node];
            node = node + 1 == nodeRank.length ? 0 : node + 1;
            if (seenLarge == null) {
                if ((seen & (1L << rank)) != 0) {
                    continue;
                }
                seen |= 1L << rank;
            } else {
                if (seenLarge[rank]) {
                    continue;
                }
                seenLarge[rank] = true;
            }
            into[count++] = ids[rank];
        }
        return count;
    }

    /** {@link #walk(long, int[])} into a new array of length {@link #size()}. */
    public int[] walk(long requestId) {
        int[] order = new int[ids.length];
        walk(requestId, order);
        return order;
    }

    /** The id of the server whose virtual node sits at {@code slot}, or {@link #NO_SERVER} if the slot is free. */
    public int ownerOfSlot(int slot) {
        return owner[checkSlot(slot)];
    }

    /** The server a request landing on {@code slot} goes to, or {@link #NO_SERVER} if the ring is empty. */
    public int routeOfSlot(int slot) {
        return route[checkSlot(slot)];
    }

    /** The server ids on the ring, ascending (an unmodifiable copy). */
    public List<Integer> servers() {
        return Arrays.stream(ids).boxed().toList();
    }

    /** Whether the server is on the ring. */
    public boolean contains(int id) {
        return Arrays.binarySearch(ids, id) >= 0;
    }

    /** The number of servers on the ring. */
    public int size() {
        return ids.length;
    }

    /** The config this ring was built with. */
    public RingConfig config() {
        return config;
    }

    /** Load and reach figures of this ring; computed on each call, in {@code O(slots)} time. */
    public RingQuality quality() {
        return RingQuality.of(this);
    }

    /** Rings are equal when config and server set are: the ring is a function of those two. */
    @Override
    public boolean equals(Object other) {
        return other instanceof HashRing ring && config.equals(ring.config) && Arrays.equals(ids, ring.ids);
    }

    @Override
    public int hashCode() {
        return 31 * config.hashCode() + Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
        return "HashRing[" + config + ", servers=" + Arrays.toString(ids) + "]";
    }

    private int checkSlot(int slot) {
        return Objects.checkIndex(slot, config.slots());
    }

    private static void requirePositive(int id) {
        if (id <= 0) {
            throw new IllegalArgumentException("server id must be positive, was " + id);
        }
    }

    private static String fullMessage(RingConfig config) {
        return "ring is full: at most " + config.maxServers() + " servers with " + config.slots()
                + " slots and " + config.virtualNodes() + " virtual nodes";
    }
}
