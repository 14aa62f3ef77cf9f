package lb.balancer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What a replica container may do (issue 11.7): the template every replica and spare gets, read back from Docker,
 * and, since the balancer holds the Docker socket, containers that are not its own left alone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerBlastRadiusIT {

    @RegisterExtension
    static final DockerPool docker = new DockerPool(Map.of("LB_REPLICA_MEMORY_MB", "200"));

    @Test
    @Order(1)
    void everyReplicaAndSpareRunsHardened() throws Exception {
        docker.awaitSpare();
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

    /**
     * Containers that are not the pool's, one named as a requested replica ({@code S9}) and one named as the next
     * generated name ({@code Server4}): refused before a spare is spent, skipped, and never touched (issue 12.3).
     */
    @Test
    @Order(2)
    void foreignContainersAreRefusedSkippedAndNeverTouched() throws Exception {
        docker.awaitSpare();
        String spareBefore = docker.spares().getFirst().getId();
        String s9 = foreign("S9");
        String server4 = foreign("Server4");
        try {
            HttpResponse<String> add = docker.send("POST", "/add", "{\"n\": 1, \"hostnames\": [\"S9\"]}");
            assertEquals(409, add.statusCode(), add.body());
            assertTrue(add.body().startsWith("{\"message\": \"<Error> ") && add.body().contains("S9")
                    && add.body().endsWith("\"status\": \"failure\"}"), add.body());
            assertEquals(List.of(spareBefore), docker.spares().stream().map(Container::getId).toList(),
                    "the spare is not spent on a refused name");

            HttpResponse<String> rm = docker.send("DELETE", "/rm", "{\"n\": 1, \"hostnames\": [\"S9\"]}");
            assertEquals(400, rm.statusCode(), rm.body());

            HttpResponse<String> unnamed = docker.send("POST", "/add", "{\"n\": 1}");
            assertEquals(200, unnamed.statusCode(), unnamed.body());
            assertFalse(unnamed.body().contains("\"Server4\""), "a generated name skips Server4: " + unnamed.body());
            assertTrue(unnamed.body().contains("\"N\": 4"), unnamed.body());

            for (String[] foreign : List.of(new String[] {"S9", s9}, new String[] {"Server4", server4})) {
                InspectContainerResponse state = docker.docker().inspectContainerCmd(foreign[1]).exec();
                assertEquals("/" + foreign[0], state.getName(), "not renamed");
                assertTrue(state.getState().getRunning(), foreign[0] + " not stopped");
            }
            HttpResponse<String> rep = docker.send("GET", "/rep", null);
            assertFalse(rep.body().contains("S9") || rep.body().contains("\"Server4\""), "not adopted: " + rep.body());
        } finally {
            docker.docker().removeContainerCmd(s9).withForce(true).exec();
            docker.docker().removeContainerCmd(server4).withForce(true).exec();
        }
    }

    /** A container of the replica image on the pool's network, without the pool's labels. */
    private static String foreign(String name) {
        String id = docker.docker().createContainerCmd(docker.serverImage).withName(name)
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode(docker.network))
                .withEnv("SERVER_ID=99").exec().getId();
        docker.docker().startContainerCmd(id).exec();
        return id;
    }
}
