package lb.balancer.membership;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import lb.balancer.runtime.Death;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every change of the pool with its time and cause (HAProxy's {@code srv_set_stopped(srv, cause)}): the one place
 * the log line, {@code /status} and metrics come from. Keeps the last {@value #CAPACITY} events and each replica's
 * last one (kept after it is removed, so {@code /status} can still say why it left).
 *
 * <p>Thread-safe; reads return copies. Listeners ({@link #subscribe}) are called on the recording thread, in order,
 * and must be quick.
 */
public final class PoolJournal {

    static final int CAPACITY = 256;
    private static final Logger log = LoggerFactory.getLogger(PoolJournal.class);

    private final Clock clock;
    private final ArrayDeque<PoolEvent> recent = new ArrayDeque<>();
    /** Bounded too: generated names of removed replicas would otherwise pile up over months. */
    private final Map<String, PoolEvent> lastByReplica = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PoolEvent> eldest) {
            return size() > CAPACITY;
        }
    };
    private final List<Consumer<PoolEvent>> listeners = new CopyOnWriteArrayList<>();

    public PoolJournal(Clock clock) {
        this.clock = clock;
    }

    public PoolJournal() {
        this(Clock.systemUTC());
    }

    /** Calls {@code listener} with every event recorded from now on. */
    public void subscribe(Consumer<PoolEvent> listener) {
        listeners.add(listener);
    }

    /** The last {@code limit} events, oldest first. */
    public synchronized List<PoolEvent> recent(int limit) {
        List<PoolEvent> all = new ArrayList<>(recent);
        return List.copyOf(all.subList(Math.max(0, all.size() - limit), all.size()));
    }

    /** The last event of the replica named {@code replica} (by exact name). */
    public synchronized Optional<PoolEvent> last(String replica) {
        return Optional.ofNullable(lastByReplica.get(replica));
    }

    /** Each replica's last event (up to {@value #CAPACITY} replicas), least recently changed first. */
    public synchronized Map<String, PoolEvent> lastByReplica() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(lastByReplica));
    }

    PoolEvent record(String replica, int id, Transition transition, String cause) {
        return record(replica, id, transition, cause, null, null);
    }

    PoolEvent record(String replica, int id, Transition transition, String cause, Death death, Duration duration) {
        PoolEvent event = new PoolEvent(clock.instant(), replica, id, transition, cause, death, duration);
        synchronized (this) {
            if (recent.size() == CAPACITY) {
                recent.removeFirst();
            }
            recent.addLast(event);
            lastByReplica.remove(replica); // re-inserted last: the map reads in order of recent activity
            lastByReplica.put(replica, event);
        }
        switch (transition) {
            case JOINED, ADOPTED, CLEARED, RETURNED, REPLACED_FROM_SPARE, REPLACED_COLD, REMOVED -> log.info(event.line());
            default -> log.warn(event.line());
        }
        for (Consumer<PoolEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                log.warn("journal listener failed on {}", event.line(), e);
            }
        }
        return event;
    }
}
