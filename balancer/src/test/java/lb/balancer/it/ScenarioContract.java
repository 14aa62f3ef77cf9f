package lb.balancer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The spec's scenario, replayed against a balancer with a real runtime (docker: {@link BalancerScenarioIT}; swarm:
 * {@link SwarmIT}): {@code /rep}, {@code /add}, {@code /rm}, {@code /home}, bad inputs. After every step the engine
 * runs exactly the replicas {@code /rep} lists. Subclasses start the balancer once for the class and answer the
 * hooks; their own tests run after these ({@code @Order} 20 and up).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ScenarioContract {

    private static final Pattern REPLICAS = Pattern.compile("\"replicas\": \\[(.*)]");
    private static final Pattern HELLO = Pattern.compile("\\{\"message\": \"Hello from Server: (\\d+)\", \"status\": \"successful\"}");

    /** A request to the balancer. */
    abstract HttpResponse<String> send(String method, String path, String body) throws Exception;

    /** The replicas the engine runs now, by name (containers; Swarm services with a running task). */
    abstract Set<String> runningReplicas();

    /** The ring id the engine gave replica {@code name} (its label). */
    abstract int serverIdOf(String name);

    /** Fails if the engine holds anything of the pool beyond its running replicas (and, for docker, spares). */
    abstract void assertNoLeftovers();

    static List<String> replicasIn(String body) {
        Matcher matcher = REPLICAS.matcher(body);
        assertTrue(matcher.find(), body);
        return matcher.group(1).isEmpty() ? List.of()
                : List.of(matcher.group(1).replace("\"", "").split(", "));
    }

    /** After every step the engine runs exactly the replicas {@code /rep} lists, and nothing else of the pool. */
    private void assertDockerAgreesWithRep() throws Exception {
        HttpResponse<String> rep = send("GET", "/rep", null);
        assertEquals(200, rep.statusCode());
        assertEquals(new HashSet<>(replicasIn(rep.body())), runningReplicas(), "the engine vs /rep");
        assertNoLeftovers();
    }

    @Test
    @Order(1)
    void startsWithThreeReplicas() throws Exception {
        HttpResponse<String> rep = send("GET", "/rep", null);

        assertEquals("{\"message\": {\"N\": 3, \"replicas\": [\"Server1\", \"Server2\", \"Server3\"]}, "
                + "\"status\": \"successful\"}", rep.body());
        assertDockerAgreesWithRep();
    }

    @Test
    @Order(2)
    void addsFourNamedReplicas() throws Exception {
        HttpResponse<String> add = send("POST", "/add", "{\"n\": 4, \"hostnames\": [\"S5\", \"S4\", \"S10\", \"S11\"]}");

        assertEquals(200, add.statusCode(), add.body());
        assertEquals("{\"message\": {\"N\": 7, \"replicas\": [\"Server1\", \"Server2\", \"Server3\", \"S5\", \"S4\", "
                + "\"S10\", \"S11\"]}, \"status\": \"successful\"}", add.body());
        assertDockerAgreesWithRep();
    }

    @Test
    @Order(3)
    void refusesMoreNamesThanNewInstances() throws Exception {
        HttpResponse<String> add = send("POST", "/add", "{\"n\": 1, \"hostnames\": [\"S20\", \"S21\"]}");

        assertEquals(400, add.statusCode());
        assertEquals("{\"message\": \"<Error> Length of hostname list is more than newly added instances\", "
                + "\"status\": \"failure\"}", add.body());
        assertEquals(7, replicasIn(send("GET", "/rep", null).body()).size());
        assertDockerAgreesWithRep();
    }

    @Test
    @Order(4)
    void removesTwoNamedReplicas() throws Exception {
        HttpResponse<String> rm = send("DELETE", "/rm", "{\"n\": 2, \"hostnames\": [\"S5\", \"S4\"]}");

        assertEquals(200, rm.statusCode(), rm.body());
        assertEquals("{\"message\": {\"N\": 5, \"replicas\": [\"Server1\", \"Server2\", \"Server3\", \"S10\", \"S11\"]}, "
                + "\"status\": \"successful\"}", rm.body());
        assertDockerAgreesWithRep();
    }

    @Test
    @Order(5)
    void refusesMoreNamesThanRemovableInstances() throws Exception {
        HttpResponse<String> rm = send("DELETE", "/rm", "{\"n\": 1, \"hostnames\": [\"S10\", \"S11\"]}");

        assertEquals(400, rm.statusCode());
        assertEquals("{\"message\": \"<Error> Length of hostname list is more than removable instances\", "
                + "\"status\": \"failure\"}", rm.body());
        assertDockerAgreesWithRep();
    }

    @Test
    @Order(6)
    void homeIsAnsweredByLiveReplicasOnly() throws Exception {
        List<String> live = replicasIn(send("GET", "/rep", null).body());
        Set<String> servedBy = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> home = send("GET", "/home", null);

            assertEquals(200, home.statusCode(), home.body());
            String replica = home.headers().firstValue("X-Served-By").orElseThrow();
            assertTrue(live.contains(replica), replica + " is not in " + live);
            Matcher hello = HELLO.matcher(home.body());
            assertTrue(hello.matches(), home.body());
            assertEquals(serverIdOf(replica), Integer.parseInt(hello.group(1)), "id reported by " + replica);
            servedBy.add(replica);
        }
        // 200 random keys over 5 replicas on the mixed ring: every replica gets some (each owns roughly a fifth).
        assertEquals(new HashSet<>(live), servedBy);
    }

    @Test
    @Order(7)
    void sameKeyGoesToTheSameReplica() throws Exception {
        String first = send("GET", "/home?id=424242", null).headers().firstValue("X-Served-By").orElseThrow();
        for (int i = 0; i < 20; i++) {
            assertEquals(first, send("GET", "/home?id=424242", null).headers().firstValue("X-Served-By").orElseThrow());
        }
    }

    @Test
    @Order(8)
    void unknownPathIsTheSpec400() throws Exception {
        HttpResponse<String> other = send("GET", "/other", null);

        assertEquals(400, other.statusCode());
        assertEquals("{\"message\": \"<Error> '/other' endpoint does not exist in server replicas\", "
                + "\"status\": \"failure\"}", other.body());
    }

    @Test
    @Order(9)
    void badInputsGetAClearJsonErrorAndChangeNothing() throws Exception {
        List<String> before = replicasIn(send("GET", "/rep", null).body());
        String[][] cases = {
            {"POST", "/add", "{\"n\": 1, "},
            {"POST", "/add", "{\"n\": \"1\"}"},
            {"POST", "/add", "{\"n\": 1.5}"},
            {"POST", "/add", "{\"n\": 0}"},
            {"POST", "/add", "{\"n\": 2, \"hostnames\": [\"S30\", \"S30\"]}"},
            {"POST", "/add", "{\"n\": 1, \"hostnames\": [\"not a name!\"]}"},
            {"DELETE", "/rm", "{\"n\": 1, \"hostnames\": [\"NoSuchReplica\"]}"},
            {"DELETE", "/rm", "{\"n\": 99}"},
        };
        for (String[] bad : cases) {
            HttpResponse<String> refused = send(bad[0], bad[1], bad[2]);

            assertEquals(400, refused.statusCode(), bad[2] + " -> " + refused.body());
            assertTrue(refused.body().startsWith("{\"message\": ") && refused.body().endsWith("\"status\": \"failure\"}"),
                    refused.body());
        }
        assertEquals(before, replicasIn(send("GET", "/rep", null).body()));
        assertDockerAgreesWithRep();
    }
}
