package lb.balancer.trace;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One traced request, whole: its key, every pick's {@link Decision}, every try and the status the client got. What
 * {@code /status} lists as {@code traces} and what the {@code X-LB-Trace} response header says in one line.
 *
 * @param at        when the request was routed
 * @param key       the client's key as sent (shortened to 64 characters), or the random number
 * @param source    where the key came from
 * @param hash      the number the ring hashes: a numeric key itself, another key hashed to a number first
 * @param decisions one per pick, the first for the first try
 * @param tries     every attempt, in order
 * @param status    the status the client got
 */
public record TraceRecord(Instant at, String key, KeySource source, long hash, List<Decision> decisions, List<Try> tries,
        int status) {

    /** One attempt: the replica tried and what came of it ({@code 200}, {@code connect failed}, {@code timeout}, ...). */
    public record Try(int n, String replica, String result) {}

    public TraceRecord {
        decisions = List.copyOf(decisions);
        tries = List.copyOf(tries);
    }

    /**
     * The header value: {@code key=42; source=query; hash=42; slot=211; vnode=215; owner=Server2;
     * strategy=consistent-hash; skipped=Server2 suspect; picked=Server3; tries=1 Server3 200; status=200}. Fields
     * without a value are left out; only printable ASCII (anything else becomes {@code ?}).
     */
    public String header() {
        StringBuilder h = new StringBuilder(256);
        field(h, "key", key);
        field(h, "source", source.word());
        field(h, "hash", Long.toString(hash));
        Decision first = decisions.isEmpty() ? null : decisions.getFirst();
        if (first != null) {
            field(h, "target", first.target());
            field(h, "slot", first.slot() == null ? null : first.slot().toString());
            field(h, "vnode", first.vnode() == null ? null : first.vnode().toString());
            field(h, "owner", first.owner());
            field(h, "strategy", first.strategy());
            if (!first.inputs().isEmpty()) field(h, "inputs", String.join(", ", first.inputs()));
        }
        Set<String> skipped = new LinkedHashSet<>();
        List<String> picked = new ArrayList<>();
        for (Decision d : decisions) {
            d.skipped().forEach(s -> skipped.add(s.replica() + " " + s.reason()));
            picked.add(d.picked() != null ? d.picked() : "none (" + d.refusal() + ")");
        }
        if (!skipped.isEmpty()) field(h, "skipped", String.join(", ", skipped));
        field(h, "picked", String.join(", ", picked));
        List<String> attempts = new ArrayList<>();
        tries.forEach(t -> attempts.add(t.n() + " " + t.replica() + " " + t.result()));
        if (!attempts.isEmpty()) field(h, "tries", String.join(", ", attempts));
        field(h, "status", Integer.toString(status));
        return printable(h.toString());
    }

    private static void field(StringBuilder h, String name, String value) {
        if (value == null) return;
        if (!h.isEmpty()) h.append("; ");
        h.append(name).append('=').append(value);
    }

    /** A header value must be one line of visible ASCII: a key from a query string may hold anything. */
    static String printable(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
