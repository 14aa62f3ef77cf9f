package lb.balancer.trace;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** The last {@value #CAPACITY} traced requests, for {@code /status} and the dashboard. Thread-safe. */
public final class TraceLog {

    public static final int CAPACITY = 20;

    private final ArrayDeque<TraceRecord> recent = new ArrayDeque<>();

    public synchronized void add(TraceRecord trace) {
        if (recent.size() == CAPACITY) recent.removeFirst();
        recent.addLast(trace);
    }

    /** Oldest first. */
    public synchronized List<TraceRecord> recent() {
        return List.copyOf(new ArrayList<>(recent));
    }
}
