package lb.balancer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What a replica container may do (issue 11.7): the template every replica and spare gets, read back from Docker,
 * and, since the balancer holds the Docker socket, containers that are not its own left alone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerBlastRadiusIT {

    private static DockerPool docker;

    @BeforeAll
    static void startBalancer() {
        docker = new DockerPool(Map.of("LB_REPLICA_MEMORY_MB", "200"));
        docker.start();
    }

    @AfterAll
    static void removeEverything() {
        if (docker != null) {
            docker.close();
        }
    }

    @Test
    @Order(1)
    void everyReplicaAndSpareRunsHardened() throws Exception {
        awaitSpare();
        List<Container> containers = docker.poolContainers();
        List<String> names = containers.stream().map(DockerPool::nameOf).sorted().toList();
        assertEquals(4, containers.size(), "3 replicas and 1 spare: " + names);

        for (Container container : containers) {
            String name = DockerPool.nameOf(container);
            InspectContainerResponse inspected = docker.docker().inspectContainerCmd(container.getId()).exec();
            HostConfig host = inspected.getHostConfig();
            boolean spare = "spare".equals(container.getLabels().get("lb.role"));

            assertEquals("10001:10001", inspected.getConfig().getUser(), name);
            assertEquals(!spare, host.getReadonlyRootfs(), name + ": read-only unless a spare (claim record)");
            assertEquals(List.of(Capability.ALL), Arrays.asList(host.getCapDrop()), name);
            assertTrue(host.getCapAdd() == null || host.getCapAdd().length == 0, name);
            assertEquals(List.of("no-new-privileges:true"), host.getSecurityOpts(), name);
            assertFalse(Boolean.TRUE.equals(host.getPrivileged()), name);
            assertEquals(200L * 1024 * 1024, host.getMemory(), name);
            assertEquals(host.getMemory(), host.getMemorySwap(), name + ": no swap beyond the memory limit");
            assertEquals(256L, host.getPidsLimit(), name);
            assertEquals(1_000_000_000L, host.getNanoCPUs(), name);
            assertTrue(host.getBinds() == null || host.getBinds().length == 0, name + " binds");
            assertTrue(host.getMounts() == null || host.getMounts().isEmpty(), name + " mounts");
            assertTrue(inspected.getMounts() == null || inspected.getMounts().isEmpty(), name + " mounts");
            assertTrue(host.getPortBindings() == null || host.getPortBindings().getBindings().isEmpty(), name + " ports");
            assertFalse(Boolean.TRUE.equals(host.getPublishAllPorts()), name);
            assertEquals(docker.network, host.getNetworkMode(), name);
            assertEquals(List.of(docker.network),
                    new ArrayList<>(inspected.getNetworkSettings().getNetworks().keySet()), name + " networks");
            assertTrue(List.of("", "no").contains(host.getRestartPolicy().getName()), name + " restart policy");
            // The process itself, as the kernel sees it: not uid 0.
            var top = docker.docker().topContainerCmd(container.getId()).withPsArgs("-o uid,pid,comm").exec();
            int uid = Arrays.asList(top.getTitles()).indexOf("UID");
            for (String[] process : top.getProcesses()) {
                assertNotEquals("0", process[uid], name + " runs a root process: " + Arrays.toString(process));
            }
        }
    }

    private static void awaitSpare() throws InterruptedException {
        long end = System.nanoTime() + 60_000_000_000L;
        while (docker.spares().isEmpty() && System.nanoTime() < end) {
            Thread.sleep(200);
        }
        assertFalse(docker.spares().isEmpty(), "no spare became ready");
    }
}
