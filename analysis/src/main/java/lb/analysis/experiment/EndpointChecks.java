package lb.analysis.experiment;

import java.util.ArrayList;
import java.util.List;
import lb.analysis.live.BalancerClient;
import lb.analysis.live.BalancerClient.Answer;

/**
 * A-3's first half: every endpoint of SPEC §3 exercised, good and bad input, each answer checked for its status
 * (and, where the SPEC gives it, its message); the bad inputs must leave {@code /rep} as it was.
 */
final class EndpointChecks {

    /** One call and what came back. */
    record Check(String method, String path, String body, String expected, int status, String answer, boolean ok) {}

    private EndpointChecks() {}

    static List<Check> run(BalancerClient client) {
        List<Check> checks = new ArrayList<>();
        check(checks, client, "GET", "/rep", null, 200, "\"replicas\"");
        check(checks, client, "GET", "/home", null, 200, "Hello from Server");
        check(checks, client, "GET", "/status", null, 200, "\"health\"");
        check(checks, client, "GET", "/strategy", null, 200, "\"name\"");
        check(checks, client, "POST", "/add", "{\"n\": 1, \"hostnames\": [\"A3probe\"]}", 200, "A3probe");
        check(checks, client, "DELETE", "/rm", "{\"n\": 1, \"hostnames\": [\"A3probe\"]}", 200, "\"N\"");
        String before = client.exchange("GET", "/rep", null).body();
        check(checks, client, "GET", "/other", null, 400, "'/other' endpoint does not exist in server replicas");
        check(checks, client, "POST", "/add", "{\"n\": 1, \"hostnames\": [\"S5\", \"S6\"]}", 400,
                "Length of hostname list is more than newly added instances");
        check(checks, client, "DELETE", "/rm", "{\"n\": 1, \"hostnames\": [\"S5\", \"S6\"]}", 400,
                "Length of hostname list is more than removable instances");
        check(checks, client, "POST", "/add", "{\"n\": 1", 400, "<Error>");
        check(checks, client, "POST", "/add", "{\"n\": \"2\"}", 400, "<Error>");
        check(checks, client, "POST", "/add", "{\"n\": 1.5}", 400, "<Error>");
        check(checks, client, "POST", "/add", "{\"n\": 0}", 400, "<Error>");
        check(checks, client, "POST", "/add", "{\"n\": 1, \"hostnames\": [\"bad name!\"]}", 400, "<Error>");
        check(checks, client, "DELETE", "/rm", "{\"n\": 1, \"hostnames\": [\"NoSuchReplica\"]}", 400, "<Error>");
        check(checks, client, "PUT", "/strategy", "{\"name\": \"fastest\"}", 400, "Unknown strategy");
        check(checks, client, "PUT", "/strategy", "{\"name\": \"consistent-hash\", \"hash\": \"md5\"}", 400,
                "Unknown hash preset");
        String after = client.exchange("GET", "/rep", null).body();
        checks.add(new Check("GET", "/rep", null, "unchanged by the refused calls", 200, after,
                after.equals(before)));
        return checks;
    }

    private static void check(List<Check> checks, BalancerClient client, String method, String path, String body,
                              int expected, String contains) {
        Answer answer = client.exchange(method, path, body);
        boolean ok = answer.status() == expected && answer.body().contains(contains);
        checks.add(new Check(method, path, body, expected + " with " + contains, answer.status(), answer.body(), ok));
    }
}
