package lb.balancer.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import lb.balancer.replica.ForwardListener.Outcome;

/**
 * What the data path counted for one replica (by name, so a replacement's counts go on), as {@code /status} shows it.
 *
 * @param picks     attempts sent to it (first tries and retries)
 * @param retries   of those, attempts sent to it after an earlier replica failed the request
 * @param responses responses by status class ({@code 1xx} .. {@code 5xx})
 * @param errors    failed attempts by cause ({@code connect}, {@code reset}, {@code bad_response}, {@code timeout})
 */
public record Traffic(long picks, long retries, Map<String, Long> responses, Map<String, Long> errors) {

    public Traffic {
        responses = Collections.unmodifiableMap(new LinkedHashMap<>(responses)); // in class order, for /status
        errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors));
    }

    /** A replica no request was sent to yet: every class and cause, at zero. */
    public static final Traffic NONE = zero();

    private static Traffic zero() {
        Map<String, Long> byClass = new LinkedHashMap<>();
        for (int c = 1; c <= 5; c++) {
            byClass.put(c + "xx", 0L);
        }
        Map<String, Long> byCause = new LinkedHashMap<>();
        for (Outcome outcome : Outcome.values()) {
            if (outcome != Outcome.RESPONDED) {
                byCause.put(ReplicaMeters.cause(outcome), 0L);
            }
        }
        return new Traffic(0, 0, byClass, byCause);
    }
}
