package lb.balancer.replica;

import java.util.Objects;
import lb.hashring.RingConfig;

/**
 * One live replica as the data path sees it: its ring identity ({@code name}, {@code id}) and where to reach it.
 *
 * <p>Immutable. Two replicas are the same replica when name, id and address agree; a replacement container with the
 * same name and id but a new address is a different value, so pickers built for the old one never reach it.
 *
 * @param name   the hostname the operator sees in {@code /rep} (e.g. {@code Server1})
 * @param id     the ring server id, 1..{@value #MAX_ID} (a replacement keeps the dead replica's id)
 * @param host   host or IP the balancer connects to
 * @param port   TCP port the replica listens on
 * @param region region label (experiments); {@code "default"} when none was given
 */
public record Replica(String name, int id, String host, int port, String region) {

    /**
     * The largest replica id. Ids index a 64-bit mask of the replicas a request must not be sent to again
     * ({@code RouteRequest.excludedIds}), so 63 is the last bit; an id of 64 would silently alias bit 0.
     */
    public static final int MAX_ID = 63;

    public Replica {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(region, "region");
        if (id < 1 || id > MAX_ID) {
            throw new IllegalArgumentException("replica id must be from 1 to " + MAX_ID + ": " + id);
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("replica port out of range: " + port);
        }
    }

    /**
     * The most replicas one pool can hold: as many servers as fit the ring ({@link RingConfig#maxServers()}, 56 for
     * 512 slots and 9 virtual nodes), and never more ids than {@link #MAX_ID}. The one place this limit is derived.
     */
    public static int maxPoolSize(RingConfig ring) {
        return Math.min(ring.maxServers(), MAX_ID);
    }

    /** Base URI of the replica, e.g. {@code http://10.0.0.5:5000}. */
    public String baseUri() {
        return "http://" + host + ":" + port;
    }
}
