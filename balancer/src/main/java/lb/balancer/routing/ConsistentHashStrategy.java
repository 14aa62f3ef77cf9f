package lb.balancer.routing;

import java.util.List;
import lb.balancer.replica.Replica;
import lb.hashring.HashRing;
import lb.hashring.RingConfig;

/**
 * Consistent hashing on the 512-slot ring (SPEC §2): a request goes to the ring server of its key; a retry goes to
 * the next distinct server clockwise that has not failed it yet.
 */
public final class ConsistentHashStrategy implements HashingStrategy {

    public static final String NAME = "consistent-hash";

    private final RingConfig ringConfig;

    public ConsistentHashStrategy(RingConfig ringConfig) {
        this.ringConfig = ringConfig;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RingConfig ring() {
        return ringConfig;
    }

    @Override
    public Picker picker(List<Replica> live) {
        Pick.Routed[] byId = new Pick.Routed[Replica.MAX_ID + 1]; // precomputed answers: a pick allocates nothing
        for (Replica replica : live) {
            byId[replica.id()] = new Pick.Routed(replica);
        }
        HashRing ring = HashRing.of(ringConfig, live.stream().map(Replica::id).toList());
        Pick none = live.isEmpty() ? Candidates.NONE_AVAILABLE : Candidates.NONE_LEFT;
        return request -> {
            int id = request.excludedIds() == 0
                    ? ring.serverFor(request.key())
                    : ring.nextServerAfter(request.key(), request.excludedIds());
            return id == HashRing.NO_SERVER ? none : byId[id];
        };
    }
}
