package lb.balancer.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import lb.balancer.replica.Replica;
import lb.balancer.replica.ReplicaSpec;

/**
 * Explicit targeting as a layer over any strategy (STYLE.md: policies wrap, not copy). A request without a target
 * goes to the strategy's picker over every live replica, untouched. A request with {@code X-LB-Region} is picked by
 * the same strategy over that region's live replicas only (a ring of that region's servers for consistent hashing,
 * the region's in-flight counts for least connections, ...); one with {@code X-LB-Replica} goes to that replica.
 *
 * <p>Answers: a region or replica the pool does not have is {@link Pick.UnknownTarget} (400); one the pool has but
 * with no live replica is {@link Pick.NoReplica} (503); a pinned replica that already failed this request is
 * {@link Pick.NoReplica} too (after a try: 502). Names are compared ignoring case (container DNS names are
 * case-insensitive); regions exactly.
 *
 * <p>Built off the request path, whenever membership or the strategy changes: per-region pickers are made up front,
 * so a targeted pick is a map look-up and the region's pick. Immutable and thread-safe.
 */
public final class Targeting implements Picker {

    private final Picker all;
    private final Map<String, Picker> byRegion;
    /** Every member's region by lower-case name, live or not: what tells an unknown name from an unhealthy one. */
    private final Map<String, String> regionOf;
    private final Map<String, Pick.Routed> liveByName;
    private final String knownRegions;
    private final String knownNames;

    private Targeting(RoutingStrategy strategy, List<Replica> live, List<ReplicaSpec> members) {
        this.all = strategy.picker(live);
        Map<String, String> regions = new LinkedHashMap<>();
        Set<String> regionNames = new LinkedHashSet<>();
        List<String> names = new ArrayList<>();
        for (ReplicaSpec member : members) {
            regions.put(key(member.name()), member.region());
            regionNames.add(member.region());
            names.add(member.name());
        }
        Map<String, Picker> pickers = new HashMap<>();
        for (String region : regionNames) {
            pickers.put(region, strategy.picker(live.stream().filter(r -> r.region().equals(region)).toList()));
        }
        Map<String, Pick.Routed> routed = new HashMap<>();
        live.forEach(replica -> routed.put(key(replica.name()), new Pick.Routed(replica)));
        this.regionOf = Map.copyOf(regions);
        this.byRegion = Map.copyOf(pickers);
        this.liveByName = Map.copyOf(routed);
        this.knownRegions = String.join(", ", regionNames);
        this.knownNames = String.join(", ", names);
    }

    /**
     * The picker for one membership snapshot.
     *
     * @param live    the replicas taking traffic, in the order they were added
     * @param members every replica of the pool, live or not (their names and regions)
     */
    public static Picker over(RoutingStrategy strategy, List<Replica> live, List<ReplicaSpec> members) {
        return new Targeting(strategy, live, members);
    }

    @Override
    public Pick pick(RouteRequest request) {
        Target target = request.target();
        if (target == Target.NONE) {
            return all.pick(request);
        }
        return target.replica() != null ? pinned(request, target) : inRegion(request, target.region());
    }

    private Pick inRegion(RouteRequest request, String region) {
        Picker picker = byRegion.get(region);
        if (picker == null) {
            return new Pick.UnknownTarget("Unknown region '" + region + "'; regions: " + knownRegions);
        }
        Pick pick = picker.pick(request);
        if (pick instanceof Pick.NoReplica && request.excludedIds() == 0) {
            return new Pick.NoReplica("No healthy replica in region '" + region + "'");
        }
        return pick;
    }

    private Pick pinned(RouteRequest request, Target target) {
        String name = key(target.replica());
        String region = regionOf.get(name);
        if (region == null) {
            return new Pick.UnknownTarget("Unknown replica '" + target.replica() + "'; replicas: " + knownNames);
        }
        if (target.region() != null && !target.region().equals(region)) {
            return new Pick.UnknownTarget("Replica '" + target.replica() + "' is in region '" + region + "', not '"
                    + target.region() + "'");
        }
        Pick.Routed routed = liveByName.get(name);
        if (routed == null) {
            return new Pick.NoReplica("Replica '" + target.replica() + "' is not healthy");
        }
        if (request.excludes(routed.replica().id())) {
            return Candidates.NONE_LEFT;
        }
        return routed;
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
