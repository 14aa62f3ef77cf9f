package lb.balancer.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import lb.balancer.membership.Member;
import lb.balancer.membership.ReplicaPool;
import lb.balancer.replica.Replica;
import lb.balancer.routing.BoundedHashStrategy;
import lb.balancer.routing.ConsistentHashStrategy;
import lb.balancer.routing.HashingStrategy;
import lb.balancer.routing.Pick;
import lb.balancer.routing.ReplicaStats;
import lb.balancer.routing.RouteRequest;
import lb.balancer.routing.RoutingStrategy;
import lb.balancer.routing.Target;
import lb.hashring.HashRing;

/**
 * Explains picks from the pool's state at the moment of the pick: for the hashing strategies, the ring of every
 * member (whatever its health) gives the slot, the virtual node and its owner, and walking it clockwise up to the
 * replica picked names each one passed over and why ({@code suspect}, {@code down}, {@code failed on an earlier
 * try}, {@code over the bounded-load cap}); for every strategy but plain consistent hashing, the inputs it weighs:
 * each live replica's in-flight count and EMA latency.
 *
 * <p>Built from what the picker was built from, read a moment later: under a concurrent change of membership the two
 * can differ, which is why the trace also lists the tries as they happened. Thread-safe.
 */
public final class PoolExplainer implements Explainer {

    private final ReplicaPool pool;
    private final ReplicaStats stats;

    public PoolExplainer(ReplicaPool pool, ReplicaStats stats) {
        this.pool = pool;
        this.stats = stats;
    }

    @Override
    public Decision explain(RouteRequest route, Pick pick) {
        RoutingStrategy strategy = pool.strategy();
        Target target = route.target();
        List<Member> members = pool.members().stream().filter(m -> inTarget(m, target)).toList();
        Replica picked = pick instanceof Pick.Routed(Replica r) ? r : null;
        String refusal = switch (pick) {
            case Pick.Routed r -> null;
            case Pick.NoReplica(String reason) -> reason;
            case Pick.UnknownTarget(String reason) -> reason;
        };
        List<Decision.Skip> skipped = new ArrayList<>();
        Integer slot = null;
        Integer vnode = null;
        String owner = null;
        if (strategy instanceof HashingStrategy hashing && target.replica() == null && !members.isEmpty()) {
            HashRing ring = HashRing.of(hashing.ring(), members.stream().map(m -> m.spec().id()).toList());
            slot = ring.slotOf(route.key());
            vnode = firstVirtualNode(ring, slot);
            owner = nameOf(members, ring.ownerOfSlot(vnode));
            long cap = strategy instanceof BoundedHashStrategy ? cap(strategy, members) : Long.MAX_VALUE;
            for (int id : ring.walk(route.key())) {
                if (picked != null && id == picked.id()) break;
                Member m = memberWithId(members, id);
                skipped.add(new Decision.Skip(m.name(), reason(m, route, cap)));
            }
        }
        List<String> inputs = strategy instanceof ConsistentHashStrategy ? List.of() : inputs(members);
        return new Decision(strategy.name(), describe(target), slot, vnode, owner, skipped, inputs,
                picked == null ? null : picked.name(), refusal);
    }

    private static boolean inTarget(Member m, Target target) {
        return (target.region() == null || target.region().equals(m.spec().region()))
                && (target.replica() == null || target.replica().equalsIgnoreCase(m.name()));
    }

    private static String describe(Target target) {
        if (target == Target.NONE) return null;
        List<String> parts = new ArrayList<>(2);
        if (target.region() != null) parts.add("region " + target.region());
        if (target.replica() != null) parts.add("replica " + target.replica());
        return String.join(", ", parts);
    }

    /** The slot of the first virtual node at or clockwise after {@code slot} (the ring is not empty). */
    private static int firstVirtualNode(HashRing ring, int slot) {
        int slots = ring.config().slots();
        for (int step = 0; step < slots; step++) {
            int s = (slot + step) % slots;
            if (ring.ownerOfSlot(s) != HashRing.NO_SERVER) return s;
        }
        throw new IllegalStateException("a ring with servers has a virtual node");
    }

    private String reason(Member m, RouteRequest route, long cap) {
        if (route.excludes(m.spec().id())) return "failed on an earlier try";
        if (m.health() == Member.Health.SUSPECT) return "suspect";
        if (m.health() == Member.Health.DOWN || m.replica() == null) return "down";
        int inFlight = stats.inFlight(m.replica());
        if (inFlight >= cap) return "over the bounded-load cap (" + inFlight + " in flight, cap " + cap + ")";
        return "not a candidate";
    }

    /** The bounded-load cap the picker applied: {@code ceil(c * (total in flight + 1) / live replicas)}. */
    private long cap(RoutingStrategy strategy, List<Member> members) {
        List<Replica> live = members.stream().filter(m -> m.health() == Member.Health.UP && m.replica() != null)
                .map(Member::replica).toList();
        if (live.isEmpty()) return Long.MAX_VALUE;
        long total = 0;
        for (Replica r : live) total += stats.inFlight(r);
        return BoundedHashStrategy.cap(strategy.params().get("c").doubleValue(), total, live.size());
    }

    private List<String> inputs(List<Member> members) {
        List<String> inputs = new ArrayList<>();
        for (Member m : members) {
            if (m.replica() == null || m.health() == Member.Health.DOWN) continue;
            double ema = stats.emaNanos(m.replica());
            inputs.add(m.name() + " in-flight " + stats.inFlight(m.replica()) + " ema "
                    + (Double.isNaN(ema) ? "unmeasured" : String.format(Locale.ROOT, "%.2f ms", ema / 1e6)));
        }
        return inputs;
    }

    private static Member memberWithId(List<Member> members, int id) {
        for (Member m : members) {
            if (m.spec().id() == id) return m;
        }
        throw new IllegalStateException("the ring was built from these members: " + id);
    }

    private static String nameOf(List<Member> members, int id) {
        return memberWithId(members, id).name();
    }
}
