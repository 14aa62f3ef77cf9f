package lb.balancer.routing;

import lb.balancer.replica.Replica;

/**
 * What a picker may look at to route one request.
 *
 * @param key         the request id used for hashing (client key or a random 6-digit number), non-negative
 * @param path        the request path, e.g. {@code /home}
 * @param excludedIds bit {@code i} set means replica id {@code i} must not be picked (it already failed this
 *                    request); ids are at most {@link Replica#MAX_ID}, so a {@code long} holds them all
 * @param target      the region or replica the client asked for ({@link Target#NONE} when it did not)
 */
public record RouteRequest(long key, String path, long excludedIds, Target target) {

    public static RouteRequest of(long key, String path) {
        return new RouteRequest(key, path, 0L, Target.NONE);
    }

    public static RouteRequest of(long key, String path, Target target) {
        return new RouteRequest(key, path, 0L, target);
    }

    public boolean excludes(int replicaId) {
        return (excludedIds & (1L << replicaId)) != 0;
    }

    /** The same request with {@code replicaId} added to the exclusions (for a retry on the next replica). */
    public RouteRequest excluding(int replicaId) {
        return new RouteRequest(key, path, excludedIds | (1L << replicaId), target);
    }
}
