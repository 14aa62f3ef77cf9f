package lb.balancer.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lb.balancer.trace.Decision;
import lb.balancer.trace.TraceRecord;

/**
 * A traced request as {@code /status} lists it under {@code traces}: {@code at}, {@code key}, {@code source},
 * {@code hash}, {@code status}, {@code decisions} (one per pick: {@code strategy}, {@code target}, {@code slot},
 * {@code vnode}, {@code owner}, {@code skipped} [{@code replica}, {@code reason}], {@code inputs}, {@code picked},
 * {@code refusal}; absent fields had no value), {@code tries} [{@code n}, {@code replica}, {@code result}] and
 * {@code header} (the {@code X-LB-Trace} line the client got).
 */
final class TraceView {

    private TraceView() {}

    static Map<String, Object> of(TraceRecord t) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("at", t.at().toString());
        row.put("key", t.key());
        row.put("source", t.source().word());
        row.put("hash", t.hash());
        row.put("status", t.status());
        row.put("decisions", t.decisions().stream().map(TraceView::decision).toList());
        row.put("tries", t.tries().stream().map(x -> {
            Map<String, Object> attempt = new LinkedHashMap<>();
            attempt.put("n", x.n());
            attempt.put("replica", x.replica());
            attempt.put("result", x.result());
            return attempt;
        }).toList());
        row.put("header", t.header());
        return row;
    }

    private static Map<String, Object> decision(Decision d) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("strategy", d.strategy());
        putIf(row, "target", d.target());
        putIf(row, "slot", d.slot());
        putIf(row, "vnode", d.vnode());
        putIf(row, "owner", d.owner());
        List<Map<String, Object>> skipped = d.skipped().stream().map(s -> {
            Map<String, Object> skip = new LinkedHashMap<>();
            skip.put("replica", s.replica());
            skip.put("reason", s.reason());
            return skip;
        }).toList();
        row.put("skipped", skipped);
        row.put("inputs", d.inputs());
        putIf(row, "picked", d.picked());
        putIf(row, "refusal", d.refusal());
        return row;
    }

    private static void putIf(Map<String, Object> row, String name, Object value) {
        if (value != null) row.put(name, value);
    }
}
