package lb.balancer.runtime.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import java.util.Map;
import lb.balancer.config.BalancerConfig.DockerSettings;
import lb.balancer.replica.ReplicaSpec;
import lb.balancer.runtime.ContainerTemplate;
import org.junit.jupiter.api.Test;

/**
 * The service spec a replica gets, as the JSON docker-java sends to the Engine: checked on the wire format, since two
 * of its fields are added by subclasses that docker-java's own mapper must serialize.
 */
class ReplicaServiceTemplateTest {

    private static final DockerSettings SETTINGS = new DockerSettings("lb-server:latest", "lb-overlay", "pool1",
            256L * 1024 * 1024, 0);
    private static final ReplicaSpec SPEC = new ReplicaSpec("S5", 7, "eu", Map.of("SERVER_LATENCY_MS", "20"));

    /** The JSON as docker-java's own object mapper writes it. */
    private static JsonNode wire(ServiceSpec spec) throws Exception {
        ObjectMapper mapper = DefaultDockerClientConfig.createDefaultConfigBuilder().build().getObjectMapper();
        return mapper.readTree(mapper.writeValueAsString(spec));
    }

    @Test
    void oneTaskNamedAfterTheReplicaOnTheOverlayWithDnsrrAndNoPublishedPort() throws Exception {
        JsonNode spec = wire(ReplicaServiceTemplate.of(SPEC, SETTINGS));

        assertEquals("S5", spec.path("Name").asText());
        assertEquals(1, spec.path("Mode").path("Replicated").path("Replicas").asInt());
        assertEquals("dnsrr", spec.path("EndpointSpec").path("Mode").asText());
        assertTrue(spec.path("EndpointSpec").path("Ports").isMissingNode() || spec.path("EndpointSpec").path("Ports").isEmpty());
        JsonNode network = spec.path("TaskTemplate").path("Networks").get(0);
        assertEquals("lb-overlay", network.path("Target").asText());
        assertEquals("S5", network.path("Aliases").get(0).asText());
        assertEquals("stop-first", spec.path("UpdateConfig").path("Order").asText());
    }

    @Test
    void swarmRestartsADeadTaskAtOnceAndForever() throws Exception {
        JsonNode restart = wire(ReplicaServiceTemplate.of(SPEC, SETTINGS)).path("TaskTemplate").path("RestartPolicy");

        assertEquals("any", restart.path("Condition").asText());
        assertEquals(0, restart.path("Delay").asLong());
        assertEquals(0, restart.path("MaxAttempts").asLong());
    }

    @Test
    void theContainerIsTheDockerRuntimesHardenedTemplate() throws Exception {
        JsonNode task = wire(ReplicaServiceTemplate.of(SPEC, SETTINGS)).path("TaskTemplate");
        JsonNode container = task.path("ContainerSpec");

        assertEquals(ContainerTemplate.USER, container.path("User").asText());
        assertTrue(container.path("ReadOnly").asBoolean());
        assertEquals("[\"ALL\"]", container.path("CapabilityDrop").toString());
        assertTrue(container.path("Privileges").path("NoNewPrivileges").asBoolean(), "no-new-privileges asked for");
        assertTrue(container.path("Mounts").isMissingNode() || container.path("Mounts").isEmpty(), "no mounts");
        JsonNode limits = task.path("Resources").path("Limits");
        assertEquals(256L * 1024 * 1024, limits.path("MemoryBytes").asLong());
        assertEquals(ContainerTemplate.PIDS_LIMIT, limits.path("Pids").asLong());
        assertEquals(ContainerTemplate.NANO_CPUS, limits.path("NanoCPUs").asLong());
    }

    @Test
    void carriesTheDockerRuntimesLabelsIdentityAndProfile() throws Exception {
        JsonNode spec = wire(ReplicaServiceTemplate.of(SPEC, SETTINGS));
        Map<String, String> labels = Map.of("lb.managed-by", "lb-balancer", "lb.pool", "pool1", "lb.hostname", "S5",
                "lb.server-id", "7", "lb.region", "eu");

        assertEquals(labels, new ObjectMapper().convertValue(spec.path("Labels"), Map.class));
        JsonNode container = spec.path("TaskTemplate").path("ContainerSpec");
        assertEquals(labels, new ObjectMapper().convertValue(container.path("Labels"), Map.class));
        assertEquals("S5", container.path("Hostname").asText());
        assertEquals("[\"SERVER_LATENCY_MS=20\",\"SERVER_ID=7\",\"SERVER_REGION=eu\",\"PORT=5000\"]",
                container.path("Env").toString());
    }

    @Test
    void aServiceReadBackGivesTheSpecItWasMadeFrom() {
        Service service = new Service().withSpec(ReplicaServiceTemplate.of(SPEC, SETTINGS));

        assertEquals(SPEC, SwarmServices.specOf(service));
    }
}
