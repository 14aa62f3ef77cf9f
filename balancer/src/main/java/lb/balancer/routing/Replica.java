package lb.balancer.routing;

import java.util.Objects;

/**
 * One live replica as the data path sees it: its ring identity ({@code name}, {@code id}) and where to reach it.
 *
 * <p>Immutable. Two replicas are the same replica when name, id and address agree; a replacement container with the
 * same name and id but a new address is a different value, so pickers built for the old one never reach it.
 *
 * @param name   the hostname the operator sees in {@code /rep} (e.g. {@code Server1})
 * @param id     the ring server id, 1..56 (a replacement keeps the dead replica's id)
 * @param host   host or IP the balancer connects to
 * @param port   TCP port the replica listens on
 * @param region region label (experiments); {@code "default"} when none was given
 */
public record Replica(String name, int id, String host, int port, String region) {

    public Replica {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(region, "region");
        if (id < 1) {
            throw new IllegalArgumentException("replica id must be positive: " + id);
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("replica port out of range: " + port);
        }
    }

    /** Base URI of the replica, e.g. {@code http://10.0.0.5:5000}. */
    public String baseUri() {
        return "http://" + host + ":" + port;
    }
}
