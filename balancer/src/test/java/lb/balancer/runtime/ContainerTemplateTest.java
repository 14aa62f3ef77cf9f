package lb.balancer.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.RestartPolicy;
import java.util.List;
import lb.balancer.config.BalancerConfig.DockerSettings;
import org.junit.jupiter.api.Test;

class ContainerTemplateTest {

    private final ContainerTemplate template = ContainerTemplate.of(
            new DockerSettings("lb-server:latest", "net1", "lb", 128L << 20, 1));

    @Test
    void replicasGetNoWritableLayerNoCapabilitiesAndLimits() {
        HostConfig host = template.replicaHostConfig();

        assertTrue(host.getReadonlyRootfs());
        assertArrayEquals(new Capability[] {Capability.ALL}, host.getCapDrop());
        assertEquals(List.of("no-new-privileges:true"), host.getSecurityOpts());
        assertEquals(128L << 20, host.getMemory());
        assertEquals(128L << 20, host.getMemorySwap());
        assertEquals(256L, host.getPidsLimit());
        assertEquals(1_000_000_000L, host.getNanoCPUs());
        assertEquals("net1", host.getNetworkMode());
        assertFalse(host.getPrivileged());
        assertFalse(host.getPublishAllPorts());
        assertEquals(0, host.getBinds().length);
        assertNull(host.getMounts());
        assertTrue(host.getPortBindings() == null || host.getPortBindings().getBindings().isEmpty());
        assertEquals(RestartPolicy.noRestart(), host.getRestartPolicy());
    }

    @Test
    void sparesDifferOnlyByTheWritableLayerTheirClaimRecordNeeds() {
        HostConfig spare = template.spareHostConfig();

        assertFalse(spare.getReadonlyRootfs());
        assertEquals(template.replicaHostConfig().withReadonlyRootfs(false), spare);
    }
}
