package lb.balancer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.PortConfig;
import com.github.dockerjava.api.model.ServiceSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The balancer itself as a Swarm service, from the project's {@code docker-stack.yml} ({@link SwarmStack} deploys it
 * with {@code docker stack deploy} on a single-node swarm): it runs on a manager with the Docker socket, publishes its
 * port in mode host, starts its replicas as services on the stack's overlay and reaches them there; and when its task
 * is killed, Swarm starts a new balancer task, which adopts the replica services and their tasks instead of making
 * new ones.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmStackIT {

    private static final Duration LIVENESS = Duration.ofSeconds(90);
    private static final List<String> REPLICAS = List.of("Server1", "Server2", "Server3");
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final SwarmStack stack = new SwarmStack().printingLogLines("stack",
            // Each balancer task's account of the pool: started, adopted, health changes.
            line -> line.contains("PoolJournal") || line.contains("listening on port") || line.contains("Swarm"));

    @Test
    @Order(1)
    void theStackRunsTheBalancerOnAManagerWithTheSocketAndAHostPort() {
        ServiceSpec spec = stack.balancer().getSpec();

        PortConfig port = spec.getEndpointSpec().getPorts().getFirst();
        assertEquals(PortConfig.PublishMode.host, port.getPublishMode(), "dnsrr replicas: no ingress");
        assertEquals(stack.port, port.getPublishedPort());
        assertEquals(5000, port.getTargetPort());
        assertEquals(List.of("node.role == manager"), spec.getTaskTemplate().getPlacement().getConstraints());
        List<Mount> mounts = spec.getTaskTemplate().getContainerSpec().getMounts();
        assertEquals(List.of("/var/run/docker.sock"), mounts.stream().map(Mount::getTarget).toList());
        assertTrue(spec.getTaskTemplate().getContainerSpec().getEnv().contains("LB_RUNTIME=swarm"));
        assertEquals(stack.network, stack.docker().inspectNetworkCmd()
                .withNetworkId(spec.getTaskTemplate().getNetworks().getFirst().getTarget()).exec().getName());
    }

    @Test
    @Order(2)
    void itStartsItsReplicasAsServicesAndReachesEachAtItsTasksOverlayAddress() throws Exception {
        assertEquals(REPLICAS, PoolHttp.names(stack.baseUri()));
        assertEquals(new HashSet<>(REPLICAS), stack.replicaServices().stream().map(s -> s.getSpec().getName())
                .collect(Collectors.toSet()));
        Map<String, String> addresses = statusAddresses();
        for (String name : REPLICAS) {
            assertEquals(1, stack.runningTasks(name).size(), "running tasks of " + name);
            String overlayIp = stack.replicaContainer(name).getNetworkSettings().getNetworks().get(stack.network)
                    .getIpAddress();
            assertEquals(overlayIp + ":5000", addresses.get(name), name + " at its task's address on the overlay");
        }
        Set<String> servedBy = new HashSet<>();
        for (long key = 100_000; key < 100_300; key++) {
            String replica = PoolHttp.servedBy(stack.baseUri(), key);
            assertTrue(replica != null, "GET /home?id=" + key + " failed");
            servedBy.add(replica);
        }
        assertEquals(new HashSet<>(REPLICAS), servedBy, "300 keys spread over every replica");
    }

    @Test
    @Order(3)
    void aKilledBalancerTaskIsStartedAgainBySwarmAndAdoptsTheReplicaServicesAndTheirTasks() throws Exception {
        Map<String, String> tasksBefore = replicaTaskIds();
        String killed = stack.balancerContainerOrNull();
        long began = System.nanoTime();

        stack.docker().killContainerCmd(killed).exec();
        PoolHttp.await(() -> {
            String now = stack.balancerContainerOrNull();
            return now != null && !now.equals(killed);
        }, "Swarm's new balancer task running", LIVENESS);
        long taskMillis = (System.nanoTime() - began) / 1_000_000;
        PoolHttp.await(() -> PoolHttp.allUp(stack.baseUri(), 3), "the new balancer serving 3 replicas", LIVENESS);
        long servingMillis = (System.nanoTime() - began) / 1_000_000;
        System.out.println("[stack] balancer task killed: Swarm's new task running after " + taskMillis
                + " ms, serving the adopted replicas after " + servingMillis + " ms");

        assertEquals(REPLICAS, PoolHttp.names(stack.baseUri()));
        assertEquals(tasksBefore, replicaTaskIds(), "the same replica tasks: adopted, none new");
        String log = stack.logsOf(stack.balancerContainerOrNull());
        for (String name : REPLICAS) {
            assertTrue(log.contains(name + " ADOPTED"), "the new balancer adopted " + name + ":\n" + log);
        }
        for (long key = 100_000; key < 100_050; key++) {
            assertEquals(200, PoolHttp.get(stack.baseUri(), key), "GET /home?id=" + key);
        }
        assertNotEquals(killed, stack.balancerContainerOrNull());
    }

    /** Each replica's running task, by replica name. */
    private static Map<String, String> replicaTaskIds() {
        return SingleNodeSwarm.runningTaskIds(stack.docker(), stack.replicaServices());
    }

    /** Each replica's address in {@code /status}, by name. */
    private static Map<String, String> statusAddresses() throws Exception {
        JsonNode replicas = JSON.readTree(PoolHttp.send(stack.baseUri(), "GET", "/status", null).body())
                .path("message").path("replicas");
        Map<String, String> addresses = new HashMap<>();
        replicas.forEach(r -> addresses.put(r.path("name").asText(), r.path("address").asText()));
        return addresses;
    }
}
