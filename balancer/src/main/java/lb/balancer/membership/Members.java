package lb.balancer.membership;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import lb.balancer.membership.Member.Health;
import lb.balancer.replica.Replica;
import lb.balancer.replica.ReplicaSpec;
import lb.balancer.routing.Pick;
import lb.balancer.routing.Picker;
import lb.balancer.routing.RoutingStrategy;
import lb.balancer.routing.Targeting;

/**
 * The member list and the picker built from it. Written only on the {@link MembershipContext}; read from anywhere
 * without locks: the list is an immutable snapshot, and the data path reads the current {@link Picker} from an
 * {@link AtomicReference} replaced on every change of membership, health or strategy (in-flight requests finish
 * with the picker they had).
 */
final class Members {

    private static final Picker EMPTY = request -> new Pick.NoReplica("No replicas available");

    private final AtomicReference<Picker> picker = new AtomicReference<>(EMPTY);
    private volatile RoutingStrategy strategy;
    /** In the order replicas were added; a replacement keeps its place. */
    private volatile List<Member> list = List.of();

    Members(RoutingStrategy strategy) {
        this.strategy = strategy;
    }

    List<Member> list() {
        return list;
    }

    Optional<Member> named(String name) {
        String key = Identities.key(name);
        return list.stream().filter(m -> Identities.key(m.name()).equals(key)).findFirst();
    }

    /** The member running {@code instance} now, if any (a replaced instance has none). */
    Optional<Member> running(Replica instance) {
        return list.stream().filter(m -> m.runs(instance)).findFirst();
    }

    List<ReplicaSpec> specs() {
        return list.stream().map(Member::spec).toList();
    }

    /**
     * The replicas taking traffic: the healthy ones; when none is healthy but some are only suspected, those (a
     * suspicion can be wrong, and a replica that may answer beats a certain 503: Envoy's panic routing).
     */
    List<Replica> routable() {
        List<Replica> up = inHealth(Health.UP);
        return up.isEmpty() ? inHealth(Health.SUSPECT) : up;
    }

    List<Replica> inHealth(Health health) {
        return list.stream().filter(m -> m.health() == health && m.replica() != null).map(Member::replica).toList();
    }

    Supplier<Picker> pickers() {
        return picker::get;
    }

    RoutingStrategy strategy() {
        return strategy;
    }

    /** Context only. */
    void update(UnaryOperator<List<Member>> change) {
        list = List.copyOf(change.apply(list));
        publish();
    }

    /** Context only. */
    void replace(Member old, Member next) {
        update(current -> current.stream().map(m -> m == old ? next : m).toList());
    }

    /** Context only. */
    void useStrategy(RoutingStrategy next) {
        strategy = next;
        publish();
    }

    private void publish() {
        picker.set(Targeting.over(strategy, routable(), specs()));
    }
}
