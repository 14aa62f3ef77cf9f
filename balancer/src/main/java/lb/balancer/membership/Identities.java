package lb.balancer.membership;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import lb.balancer.replica.Replica;
import lb.balancer.replica.ReplicaProfile;
import lb.balancer.replica.ReplicaSpec;

/**
 * Names and ring ids for new replicas.
 *
 * <p>Ids: the next id is one more than the largest in use, so a new server is placed on the ring after all others
 * and only takes keys for itself (see the ring's Javadoc); ids stay within 1..{@link Replica#MAX_ID}, reusing the
 * smallest free id once that is passed. Names: {@code Server<id>} unless the client chose one.
 * Names are compared ignoring case, because container DNS names are case-insensitive.
 */
final class Identities {

    private final Set<Integer> usedIds = new HashSet<>();
    private final Set<String> usedNames = new HashSet<>();

    Identities(Collection<ReplicaSpec> existing) {
        for (ReplicaSpec spec : existing) {
            usedIds.add(spec.id());
            usedNames.add(key(spec.name()));
        }
    }

    /** Names that something else holds (see {@code ReplicaRuntime.namesHeldElsewhere}): never generated. */
    Identities reserve(Collection<String> names) {
        names.forEach(name -> usedNames.add(key(name)));
        return this;
    }

    static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    boolean nameInUse(String name) {
        return usedNames.contains(key(name));
    }

    /**
     * Specs for {@code n} new replicas: first the {@code named} ones in the order given, then generated names.
     * The caller has checked that the names are valid and free. Every new replica gets {@code profile}.
     */
    List<ReplicaSpec> allocate(List<String> named, int n, ReplicaProfile profile) {
        named.forEach(name -> usedNames.add(key(name)));
        List<ReplicaSpec> specs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int id = nextId();
            usedIds.add(id);
            String name = i < named.size() ? named.get(i) : generatedName(id);
            usedNames.add(key(name));
            specs.add(profile.spec(name, id));
        }
        return specs;
    }

    private int nextId() {
        int max = usedIds.stream().mapToInt(Integer::intValue).max().orElse(0);
        if (max < Replica.MAX_ID) {
            return max + 1;
        }
        for (int id = 1; id <= Replica.MAX_ID; id++) {
            if (!usedIds.contains(id)) {
                return id;
            }
        }
        throw new IllegalStateException("no free replica id in 1.." + Replica.MAX_ID);
    }

    private String generatedName(int id) {
        for (int k = id; ; k++) {
            String name = "Server" + k;
            if (!usedNames.contains(key(name))) {
                return name;
            }
        }
    }
}
