package lb.balancer.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lb.balancer.membership.Member;
import lb.balancer.membership.ReplicaPool;
import lb.balancer.replica.Replica;
import lb.balancer.routing.HashingStrategy;
import lb.balancer.routing.RoutingStrategy;
import lb.hashring.HashRing;
import lb.hashring.RingConfig;

/**
 * What {@code GET /ring} shows (read-only; the dashboard draws it): the ring the current strategy routes on, slot by
 * slot.
 *
 * <ul>
 *   <li>{@code slots}, {@code virtualNodes}, {@code hash} (the preset), and {@code routing}: whether the strategy
 *       in use routes on this ring (the hashing strategies); for the others the ring of {@code LB_HASH} is shown,
 *       as it would route.</li>
 *   <li>{@code replicas}: every member in {@code /rep} order with its {@code id}, {@code inRing}, its virtual
 *       nodes ({@code nodes}, slot numbers) and {@code owned}, the number of slots whose requests it serves. A
 *       member out of the ring owns nothing; its {@code nodes} are where they sit when it is back.</li>
 *   <li>{@code routes}: for each slot 0..slots−1 the id of the replica a request landing there goes to, 0 for
 *       none.</li>
 * </ul>
 * Built from a snapshot per call, off the data path; the ring is rebuilt here rather than read from the picker so
 * that strategies keep their rings private.
 */
final class RingView {

    private RingView() {}

    /** @param fallback the ring settings ({@code LB_HASH}) shown when the strategy does not route on a ring */
    static Map<String, Object> of(ReplicaPool pool, RingConfig fallback) {
        RoutingStrategy strategy = pool.strategy();
        RingConfig config = strategy instanceof HashingStrategy hashing ? hashing.ring() : fallback;
        List<Member> members = pool.members();
        List<Integer> live = pool.replicas().stream().map(Replica::id).toList();
        HashRing ring = HashRing.of(config, live);
        // Where the nodes of the members out of the ring sit when they are back: the ring over everyone.
        HashRing everyone = HashRing.of(config, members.stream().map(m -> m.spec().id()).distinct().toList());

        Map<Integer, Integer> owned = new LinkedHashMap<>();
        List<Integer> routes = new ArrayList<>(config.slots());
        for (int slot = 0; slot < config.slots(); slot++) {
            int id = ring.routeOfSlot(slot);
            routes.add(id);
            owned.merge(id, 1, Integer::sum);
        }
        List<Map<String, Object>> replicas = new ArrayList<>();
        for (Member m : members) {
            int id = m.spec().id();
            boolean inRing = ring.contains(id);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", m.name());
            row.put("id", id);
            row.put("inRing", inRing);
            row.put("nodes", nodes(inRing ? ring : everyone, id));
            row.put("owned", inRing ? owned.getOrDefault(id, 0) : 0);
            replicas.add(row);
        }
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("slots", config.slots());
        message.put("virtualNodes", config.virtualNodes());
        message.put("hash", config.preset().name());
        message.put("routing", strategy instanceof HashingStrategy);
        message.put("replicas", replicas);
        message.put("routes", routes);
        return message;
    }

    private static List<Integer> nodes(HashRing ring, int id) {
        List<Integer> slots = new ArrayList<>();
        for (int slot = 0; slot < ring.config().slots(); slot++) {
            if (ring.ownerOfSlot(slot) == id) {
                slots.add(slot);
            }
        }
        return slots;
    }
}
