package lb.balancer.replica;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * A value per {@link Replica}, keyed by record equality like a {@link ConcurrentHashMap}, with a look-up fast enough
 * for every request: the data path asks with the very {@code Replica} instance its picker returned, so a slot per
 * replica id remembers the last instance asked for and answers an identity match with one array read. Only a miss
 * (first sight, or two values of one id alive at once, e.g. a dead replica and its replacement while the old one's
 * requests drain) goes to the map, which hashes and compares all five fields of the record (a map look-up per
 * listener per request was 9 % of the event loops' samples, most of it in the record's generated {@code equals} and
 * {@code hashCode}).
 *
 * <p>Thread-safe; reads never lock. Writes to the map (first sight, removal) and to the slots are serialized on this
 * object so a removal cannot race a miss into leaving a removed value in a slot.
 *
 * @param <V> what is kept per replica
 */
public final class ReplicaIndex<V> {

    private final ConcurrentHashMap<Replica, V> values = new ConcurrentHashMap<>();
    /** By replica id: the instance last looked up and its value. */
    private final AtomicReferenceArray<Slot<V>> byId = new AtomicReferenceArray<>(Replica.MAX_ID + 1);

    private record Slot<V>(Replica replica, V value) {}

    /** The value of {@code replica}, or null when it has none. */
    public V get(Replica replica) {
        Slot<V> slot = byId.get(replica.id());
        if (slot != null && slot.replica == replica) return slot.value;
        V value = values.get(replica);
        if (value != null) remember(replica, value);
        return value;
    }

    /** The value of {@code replica}, made by {@code make} on first sight. */
    public V computeIfAbsent(Replica replica, Function<Replica, V> make) {
        V value = get(replica);
        if (value != null) return value;
        synchronized (this) {
            value = values.computeIfAbsent(replica, make);
            byId.set(replica.id(), new Slot<>(replica, value));
            return value;
        }
    }

    /** Drops the value of {@code replica} (a replica that left for good). */
    public synchronized void remove(Replica replica) {
        values.remove(replica);
        forgetSlot(replica.id());
    }

    /** Drops the value of every replica not in {@code live}. */
    public synchronized void retainAll(Collection<Replica> live) {
        Set<Replica> keep = new HashSet<>(live);
        values.keySet().retainAll(keep);
        for (int id = 0; id < byId.length(); id++) forgetSlot(id);
    }

    /** How many replicas have a value. */
    public int size() {
        return values.size();
    }

    private synchronized void remember(Replica replica, V value) {
        if (values.get(replica) == value) byId.set(replica.id(), new Slot<>(replica, value)); // not removed meanwhile
    }

    /** Clears slot {@code id} unless its value is still in the map. Holding the lock. */
    private void forgetSlot(int id) {
        Slot<V> slot = byId.get(id);
        if (slot != null && values.get(slot.replica) != slot.value) byId.set(id, null);
    }
}
