package lb.analysis.live;

import java.util.Map;

/**
 * One replica as {@code GET /status} lists it.
 *
 * @param name     e.g. {@code Server2}
 * @param id       its ring server id
 * @param health   {@code up}, {@code suspect} or {@code down}
 * @param address  {@code host:port}, null while it has no instance
 * @param region   its region label
 * @param settings its experiment knobs by server variable ({@code SERVER_LATENCY_MS} ...), empty when none
 */
public record ReplicaInfo(String name, int id, String health, String address, String region,
                          Map<String, String> settings) {

    public ReplicaInfo {
        settings = Map.copyOf(settings);
    }

    public boolean up() {
        return "up".equals(health);
    }

    /** The port of {@link #address}, or −1. */
    public int port() {
        if (address == null || address.lastIndexOf(':') < 0) {
            return -1;
        }
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** The host of {@link #address}, or null. */
    public String host() {
        return address == null ? null : address.substring(0, Math.max(0, address.lastIndexOf(':')));
    }
}
