package lb.balancer.routing;

import java.util.regex.Pattern;

/**
 * Where a client asked its request to go (SPEC §8, explicit targeting): {@code X-LB-Region} restricts the pick to
 * one region, {@code X-LB-Replica} pins it to one replica; both may be given (the replica must then be in that
 * region). What a regional router's {@code /work/<region>/<machine>} API offers, as headers so replica paths stay
 * free. Immutable; {@link #NONE} (no header) is one shared instance, so the untargeted path is a reference compare.
 *
 * @param region  the region asked for, or null
 * @param replica the replica name asked for, or null
 */
public record Target(String region, String replica) {

    /** No targeting header: the strategy picks among every live replica. */
    public static final Target NONE = new Target(null, null);

    /** The charset regions are made of ({@code ReplicaProfile}), and replica names (Docker and DNS names). */
    private static final Pattern REGION = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,62}");

    /**
     * What is wrong with these header values, or null when they can name a region and a replica. The message never
     * echoes an invalid value (it could be anything a client sends), so it is short and safe for JSON and logs.
     */
    public static String problem(String region, String replica) {
        if (region != null && !REGION.matcher(region).matches()) {
            return "X-LB-Region must be 1-64 letters, digits, '.', '_' or '-'";
        }
        if (replica != null && !NAME.matcher(replica).matches()) {
            return "X-LB-Replica must be a replica name: 1-63 letters, digits and '-', starting with a letter or digit";
        }
        return null;
    }
}
