package lb.balancer.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import lb.balancer.replica.ReplicaSpec;
import org.junit.jupiter.api.Test;

class ClaimFieldsTest {

    @Test
    void aSpecSurvivesTheClaimAndItsRecord() {
        ReplicaSpec spec = new ReplicaSpec("S10", 10, "eu-west",
                Map.of("SERVER_LATENCY_MS", "20", "SERVER_JITTER_MS", "5"));

        String form = ClaimFields.encode(spec);

        assertEquals(spec, ClaimFields.specOf(ClaimFields.decode(form + "\n")), "the claim file ends in a newline");
    }

    @Test
    void encodesTheIdentityFirstAndEscapesValues() {
        ReplicaSpec spec = new ReplicaSpec("Server1", 1, "default", Map.of("SERVER_SEED", "a&b=c"));

        assertEquals("SERVER_ID=1&SERVER_NAME=Server1&SERVER_REGION=default&SERVER_SEED=a%26b%3Dc",
                ClaimFields.encode(spec));
        assertEquals("a&b=c", ClaimFields.decode(ClaimFields.encode(spec)).get("SERVER_SEED"));
    }

    @Test
    void aClaimWithoutNameOrIdIsNotASpec() {
        assertThrows(IllegalArgumentException.class, () -> ClaimFields.specOf(Map.of("SERVER_ID", "3")));
        assertThrows(IllegalArgumentException.class, () -> ClaimFields.specOf(Map.of("SERVER_NAME", "S3")));
    }
}
