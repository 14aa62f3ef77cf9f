package lb.balancer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The spec's scenario replayed against the balancer running as a container with the Docker socket (as in
 * docker-compose): after every step, the containers Docker runs are exactly the replicas {@code /rep} lists.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BalancerScenarioIT {

    private static final Pattern REPLICAS = Pattern.compile("\"replicas\": \\[(.*)]");
    private static final Pattern HELLO = Pattern.compile("\\{\"message\": \"Hello from Server: (\\d+)\", \"status\": \"successful\"}");

    @RegisterExtension
    static final DockerPool docker = new DockerPool(Map.of());

    private static List<String> replicasIn(String body) {
        Matcher matcher = REPLICAS.matcher(body);
        assertTrue(matcher.find(), body);
        return matcher.group(1).isEmpty() ? List.of()
                : List.of(matcher.group(1).replace("\"", "").split(", "));
    }

    private static void assertDockerAgreesWithRep() throws Exception {
        HttpResponse<String> rep = docker.send("GET", "/rep", null);
        assertEquals(200, rep.statusCode());
        assertEquals(new HashSet<>(replicasIn(rep.body())), docker.runningReplicas(), "Docker vs /rep");
        assertEquals(docker.runningReplicas().size() + docker.spares().size(), docker.poolContainers().size(),
                "no stopped leftovers");
    }

    @Test
    @Order(1)
    void startsWithThreeReplicas() throws Exception {
        HttpResponse<String> rep = docker.send("GET", "/rep", null);

        assertEquals("{\"message\": {\"N\": 3, \"replicas\": [\"Server1\", \"Server2\", \"Server3\"]}, "
                + "\"status\": \"successful\"}", rep.body());
        assertDockerAgreesWithRep();
    }

    @Test
    @Order(2)
    void addsFourNamedReplicas() throws Exception {
        HttpResponse<String> add = docker.send("POST", "/add", "{\"n\": 4, \"hostnames\": [\"S5\", \"S4\", \"S10\", \"S11\"]}");

        assertEquals(200, add.statusCode(), add.body());
        assertEquals("{\"message\": {\"N\": 7, \"replicas\": [\"Server1\", \"Server2\", \"Server3\", \"S5\", \"S4\", "
                + "\"S10\", \"S11\"]}, \"status\": \"successful\"}", add.body());
        assertDockerAgreesWithRep();
    }

    @Test
    @Order(3)
    void refusesMoreNamesThanNewInstances() throws Exception {
        HttpResponse<String> add = docker.send("POST", "/add", "{\"n\": 1, \"hostnames\": [\"S20\", \"S21\"]}");

        assertEquals(400, add.statusCode());
        assertEquals("{\"message\": \"<Error> Length of hostname list is more than newly added instances\", "
                + "\"status\": \"failure\"}", add.body());
        assertEquals(7, replicasIn(docker.send("GET", "/rep", null).body()).size());
        assertDockerAgreesWithRep();
    }

    @Test
    @Order(4)
    void removesTwoNamedReplicas() throws Exception {
        HttpResponse<String> rm = docker.send("DELETE", "/rm", "{\"n\": 2, \"hostnames\": [\"S5\", \"S4\"]}");

        assertEquals(200, rm.statusCode(), rm.body());
        assertEquals("{\"message\": {\"N\": 5, \"replicas\": [\"Server1\", \"Server2\", \"Server3\", \"S10\", \"S11\"]}, "
                + "\"status\": \"successful\"}", rm.body());
        assertDockerAgreesWithRep();
    }

    @Test
    @Order(5)
    void refusesMoreNamesThanRemovableInstances() throws Exception {
        HttpResponse<String> rm = docker.send("DELETE", "/rm", "{\"n\": 1, \"hostnames\": [\"S10\", \"S11\"]}");

        assertEquals(400, rm.statusCode());
        assertEquals("{\"message\": \"<Error> Length of hostname list is more than removable instances\", "
                + "\"status\": \"failure\"}", rm.body());
        assertDockerAgreesWithRep();
    }

    @Test
    @Order(6)
    void homeIsAnsweredByLiveReplicasOnly() throws Exception {
        List<String> live = replicasIn(docker.send("GET", "/rep", null).body());
        Set<String> servedBy = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> home = docker.send("GET", "/home", null);

            assertEquals(200, home.statusCode(), home.body());
            String replica = home.headers().firstValue("X-Served-By").orElseThrow();
            assertTrue(live.contains(replica), replica + " is not in " + live);
            Matcher hello = HELLO.matcher(home.body());
            assertTrue(hello.matches(), home.body());
            assertEquals(docker.serverIdOf(replica), Integer.parseInt(hello.group(1)), "id reported by " + replica);
            servedBy.add(replica);
        }
        // 200 random keys over 5 replicas on the mixed ring: every replica gets some (each owns roughly a fifth).
        assertEquals(new HashSet<>(live), servedBy);
    }

    @Test
    @Order(7)
    void sameKeyGoesToTheSameReplica() throws Exception {
        String first = docker.send("GET", "/home?id=424242", null).headers().firstValue("X-Served-By").orElseThrow();
        for (int i = 0; i < 20; i++) {
            assertEquals(first, docker.send("GET", "/home?id=424242", null).headers().firstValue("X-Served-By").orElseThrow());
        }
    }

    @Test
    @Order(8)
    void unknownPathIsTheSpec400() throws Exception {
        HttpResponse<String> other = docker.send("GET", "/other", null);

        assertEquals(400, other.statusCode());
        assertEquals("{\"message\": \"<Error> '/other' endpoint does not exist in server replicas\", "
                + "\"status\": \"failure\"}", other.body());
    }
}
