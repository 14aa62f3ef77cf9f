package lb.balancer.trace;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import lb.balancer.replica.ForwardListener.Outcome;
import lb.balancer.replica.Replica;
import lb.balancer.routing.Pick;
import lb.balancer.routing.RouteRequest;

/**
 * The decision trace of one request that asked for it ({@code X-LB-Trace: 1}): the data path tells it each pick, each
 * attempt's start and end, and finally the status the client gets, and receives the header line to send back. Only
 * traced requests have one, so an untraced request pays a null check at each of those points and nothing else.
 *
 * <p>Loop-confined (one request on one event loop); the finished record goes to the {@link TraceLog}.
 */
public final class Trace {

    private static final int MAX_KEY = 64;

    private final Instant at = Instant.now();
    private final String key;
    private final KeySource source;
    private final long hash;
    private final Explainer explainer;
    private final TraceLog log;
    private final List<Decision> decisions = new ArrayList<>(2);
    private final List<TraceRecord.Try> tries = new ArrayList<>(2);
    private String pending;
    private boolean closed;

    Trace(String key, KeySource source, long hash, Explainer explainer, TraceLog log) {
        this.key = key.length() > MAX_KEY ? key.substring(0, MAX_KEY) + "..." : key;
        this.source = source;
        this.hash = hash;
        this.explainer = explainer;
        this.log = log;
    }

    /** The picker answered {@code pick} for {@code route}. */
    public void decided(RouteRequest route, Pick pick) {
        decisions.add(explainer.explain(route, pick));
    }

    /** An attempt to {@code replica} starts. */
    public void started(Replica replica) {
        pending = replica.name();
    }

    /** The attempt started last ended with {@code outcome} ({@code status} when it was answered). */
    public void ended(Outcome outcome, int status) {
        if (pending == null) return;
        tries.add(new TraceRecord.Try(tries.size() + 1, pending, outcome == Outcome.RESPONDED
                ? Integer.toString(status) : word(outcome)));
        pending = null;
    }

    /**
     * The client gets {@code status} now: the record is complete (an attempt still open counts as answered with
     * {@code status}), goes to the log, and its header line is returned. Later calls return null.
     */
    public String close(int status) {
        if (closed) return null;
        closed = true;
        if (pending != null) ended(Outcome.RESPONDED, status);
        TraceRecord record = new TraceRecord(at, key, source, hash, decisions, tries, status);
        log.add(record);
        return record.header();
    }

    static String word(Outcome outcome) {
        return switch (outcome) {
            case RESPONDED -> "answered";
            case CONNECT_FAILED -> "connect failed";
            case RESET -> "reset";
            case BAD_RESPONSE -> "bad response";
            case TIMED_OUT -> "timeout";
        };
    }
}
