package lb.balancer.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import lb.balancer.replica.ReplicaProfile;
import org.junit.jupiter.api.Test;

class ChangeRequestTest {

    private static final String TOO_MANY = "Length of hostname list is more than newly added instances";

    private static ChangeRequest parse(String body) {
        return ChangeRequest.parse(body, 56, TOO_MANY);
    }

    private static void assertRejected(String body, String message) {
        ApiError error = assertThrows(ApiError.class, () -> parse(body));
        assertEquals(400, error.status());
        assertEquals(message, error.getMessage());
    }

    @Test
    void readsNAndHostnames() {
        assertEquals(new ChangeRequest(4, List.of("S5", "S4"), ReplicaProfile.DEFAULT), parse("{\"n\": 4, \"hostnames\": [\"S5\", \"S4\"]}"));
    }

    @Test
    void hostnamesAreOptional() {
        assertEquals(new ChangeRequest(2, List.of(), ReplicaProfile.DEFAULT), parse("{\"n\": 2}"));
        assertEquals(new ChangeRequest(2, List.of(), ReplicaProfile.DEFAULT), parse("{\"n\": 2, \"hostnames\": null}"));
    }

    @Test
    void addTakesARegionAndLatencyKnobsForTheNewReplicas() {
        ChangeRequest request = ChangeRequest.parseAdd(
                "{\"n\": 2, \"region\": \"eu-west\", \"latencyMs\": 40, \"jitterMs\": 5}", 56, TOO_MANY);
        assertEquals(new ReplicaProfile("eu-west", Map.of("SERVER_LATENCY_MS", "40", "SERVER_JITTER_MS", "5")),
                request.profile());
        assertEquals(ReplicaProfile.DEFAULT, ChangeRequest.parseAdd("{\"n\": 1}", 56, TOO_MANY).profile());
    }

    @Test
    void profileFieldsAreCheckedAndOnlyAcceptedByAdd() {
        assertAddRejected("{\"n\": 1, \"latencyMs\": -1}", "'latencyMs' must be a JSON integer from 0 to 60000, got -1");
        assertAddRejected("{\"n\": 1, \"latencyMs\": 2.5}", "'latencyMs' must be a JSON integer from 0 to 60000, got 2.5");
        assertAddRejected("{\"n\": 1, \"driftIntervalMs\": 5}",
                "'driftIntervalMs' must be a JSON integer from 10 to 3600000, got 5");
        assertAddRejected("{\"n\": 1, \"region\": 3}", "'region' must be a string, got 3");
        assertAddRejected("{\"n\": 1, \"region\": \"eu west\"}",
                "'region' must be 1-64 letters, digits, '.', '_' or '-': 'eu west'");
        assertRejected("{\"n\": 1, \"region\": \"eu\"}", "Unknown field 'region': expected 'n' and optionally 'hostnames'");
    }

    private static void assertAddRejected(String body, String message) {
        ApiError error = assertThrows(ApiError.class, () -> ChangeRequest.parseAdd(body, 56, TOO_MANY));
        assertEquals(400, error.status());
        assertEquals(message, error.getMessage());
    }

    @Test
    void moreNamesThanInstancesGetsTheSpecMessage() {
        assertRejected("{\"n\": 1, \"hostnames\": [\"S5\", \"S4\"]}", TOO_MANY);
    }

    @Test
    void nMustBeAJsonIntegerInRange() {
        assertRejected("{\"n\": \"4\"}", "'n' must be a JSON integer, got \"4\"");
        assertRejected("{\"n\": 4.0}", "'n' must be a JSON integer, got 4.0");
        assertRejected("{\"n\": 1.5}", "'n' must be a JSON integer, got 1.5");
        assertRejected("{\"n\": true}", "'n' must be a JSON integer, got true");
        assertRejected("{\"n\": 0}", "'n' must be at least 1, got 0");
        assertRejected("{\"n\": -3}", "'n' must be at least 1, got -3");
        assertRejected("{\"n\": 57}", "'n' must be at most 56, got 57");
        assertRejected("{\"n\": 99999999999999999999}", "'n' must be at most 56, got 99999999999999999999");
        assertRejected("{\"hostnames\": []}", "'n' is required: the number of instances");
    }

    @Test
    void hostnamesMustBeDistinctValidStrings() {
        assertRejected("{\"n\": 2, \"hostnames\": \"S5\"}", "'hostnames' must be a list of strings");
        assertRejected("{\"n\": 2, \"hostnames\": [5]}", "'hostnames' must be a list of strings, got 5");
        assertRejected("{\"n\": 2, \"hostnames\": [\"S5\", \"s5\"]}", "Duplicate hostname 's5' (names are case-insensitive)");
        for (String bad : List.of("a", "-S5", "S5-", "S_5", "S.5", "S 5", "x".repeat(64))) {
            ApiError error = assertThrows(ApiError.class,
                    () -> parse("{\"n\": 1, \"hostnames\": [\"" + bad + "\"]}"));
            assertEquals("Invalid hostname '" + bad
                    + "': use 2-63 letters, digits and '-', starting and ending with a letter or digit", error.getMessage());
        }
    }

    @Test
    void malformedOrWrongShapedBodiesAreRejected() {
        String shape = "Request body must be a JSON object such as {\"n\": 1, \"hostnames\": [\"S1\"]}";
        assertRejected("", shape);
        assertRejected("[1]", shape);
        assertRejected("42", shape);
        assertRejected("{\"n\": 1, \"x\": 2}", "Unknown field 'x': expected 'n' and optionally 'hostnames'");
        assertEquals(400, assertThrows(ApiError.class, () -> parse("{\"n\": 1")).status());
        assertEquals(400, assertThrows(ApiError.class, () -> parse("{\"n\": 1, \"n\": 2}")).status());
        assertEquals(400, assertThrows(ApiError.class, () -> parse("{\"n\": 1} {}")).status());
    }
}
