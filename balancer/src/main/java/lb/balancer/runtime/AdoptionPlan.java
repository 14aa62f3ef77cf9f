package lb.balancer.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lb.balancer.replica.ReplicaSpec;

/**
 * What a starting balancer makes of the containers of its pool: the decision only, from what Docker listed, so that
 * every state a crash can leave behind is a unit test (issue 12.1).
 *
 * <p>The pool's intended membership lives in Docker itself: every replica container carries its identity (labels, or
 * for a claimed spare its claim record), and a container's name says where it is in its life. For one identity:
 * <ul>
 *   <li>named as the identity: the replica itself (adopted if running, else started again);</li>
 *   <li>named {@code <identity>-dead-<id>}: the remains of a dead instance, renamed out of the way of its replacement
 *       and kept until the replacement runs, so a balancer stopping in between still knows the replica exists;</li>
 *   <li>named {@code <identity>-removed-<id>}: being removed by {@code /rm}: removed, never started again;</li>
 *   <li>a spare's name with a claim record: claimed, not yet renamed (the balancer stopped in between).</li>
 * </ul>
 * An identity that has remains but no running instance is started again with the same spec (same name and id, so
 * the ring does not move); nothing is removed before the replacement runs.
 */
final class AdoptionPlan {

    static final String DEAD = "-dead-";
    static final String REMOVED = "-removed-";

    /** A container of the pool as listed. {@code spec} is null for an unclaimed spare. */
    record Found(String id, String name, boolean running, String address, ReplicaSpec spec) {}

    /** A running container that is replica {@code spec}; {@code renameTo} is non-null when it must take the name. */
    record Adopt(ReplicaSpec spec, Found container, String renameTo) {}

    /** A container to give another name first (a stopped instance that holds its identity's name). */
    record RenameAway(Found container, String newName) {}

    final List<Adopt> adopt = new ArrayList<>();
    /** Identities to start again, each with the containers of its remains (removed once the replacement runs). */
    final Map<ReplicaSpec, List<Found>> restart = new LinkedHashMap<>();
    final List<RenameAway> renameAway = new ArrayList<>();
    final List<Found> remove = new ArrayList<>();
    final List<Found> spares = new ArrayList<>();

    private AdoptionPlan() {}

    /**
     * @param found       every container carrying this pool's labels
     * @param sparePrefix the name prefix of this pool's unclaimed spares
     * @param recorded    the pool as recorded at the last graceful stop (replicas removed then), empty if none
     */
    static AdoptionPlan of(List<Found> found, String sparePrefix, List<ReplicaSpec> recorded) {
        AdoptionPlan plan = new AdoptionPlan();
        Map<String, List<Found>> byIdentity = new LinkedHashMap<>();
        for (Found container : found) {
            if (container.spec() == null) {
                if (container.running() && container.name().startsWith(sparePrefix) && container.address() != null) {
                    plan.spares.add(container);
                } else {
                    plan.remove.add(container);
                }
            } else if (container.name().startsWith(container.spec().name() + REMOVED)) {
                plan.remove.add(container);
            } else {
                byIdentity.computeIfAbsent(key(container.spec().name()), k -> new ArrayList<>()).add(container);
            }
        }
        byIdentity.values().forEach(group -> plan.decide(group, sparePrefix));
        for (ReplicaSpec spec : recorded) {
            if (!byIdentity.containsKey(key(spec.name()))) {
                plan.restart.put(spec, List.of());
            }
        }
        plan.adopt.sort(Comparator.comparingInt(a -> a.spec().id()));
        return plan;
    }

    private void decide(List<Found> group, String sparePrefix) {
        String identity = group.getFirst().spec().name();
        Found holder = group.stream().filter(c -> c.name().equals(identity)).findFirst().orElse(null);
        Found claimedSpare = group.stream()
                .filter(c -> c.running() && c.address() != null && c.name().startsWith(sparePrefix))
                .findFirst().orElse(null);
        Found live = holder != null && holder.running() && holder.address() != null ? holder : null;
        if (live == null && claimedSpare != null) {
            if (holder != null) {
                renameAway.add(new RenameAway(holder, deadName(holder)));
            }
            live = claimedSpare;
            adopt.add(new Adopt(claimedSpare.spec(), claimedSpare, identity));
        } else if (live != null) {
            adopt.add(new Adopt(live.spec(), live, null));
        }
        if (live != null) {
            for (Found other : group) {
                if (other != live) {
                    remove.add(other); // superseded: remains of an instance that has been replaced
                }
            }
            return;
        }
        // No running instance: the replica is dead. Its remains stay until its replacement runs.
        List<Found> remains = new ArrayList<>(group);
        if (holder != null) {
            renameAway.add(new RenameAway(holder, deadName(holder)));
        }
        ReplicaSpec spec = (holder != null ? holder : group.getFirst()).spec();
        restart.put(spec, remains);
    }

    static String deadName(Found container) {
        return container.spec().name() + DEAD + shortId(container.id());
    }

    static String shortId(String containerId) {
        return containerId.substring(0, Math.min(12, containerId.length()));
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
