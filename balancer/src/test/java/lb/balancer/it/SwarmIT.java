package lb.balancer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceSpec;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code LB_RUNTIME=swarm} on a single-node swarm ({@link SwarmPool} makes it if the engine has none, and leaves it
 * after): the spec's scenario ({@link ScenarioContract}), the service every replica gets, then a replica's task
 * container killed under 2,000 GETs, with detection and serving times printed. {@code -Dswarm.kills=N} kills N more
 * times, rotating over the replicas (default 1, so that CI stays within a few minutes; the README's numbers come
 * from {@code -Dswarm.kills=5}).
 *
 * <p>Swarm owns the tasks: after every kill the test checks that each replica still has exactly one service and one
 * running task, i.e. that the balancer followed Swarm's new task instead of making one of its own.
 */
class SwarmIT extends ScenarioContract {

    private static final Duration LIVENESS = Duration.ofSeconds(60);
    private static final int EXTRA_KILLS = Integer.getInteger("swarm.kills", 1);

    @RegisterExtension
    static final SwarmPool swarm = new SwarmPool().printingLogLines("swarm",
            // The balancer's account of each death and of Swarm's new task, for the report.
            line -> line.contains("task") || line.contains("is dead") || line.contains("replaced")
                    || line.contains("Swarm"));
    private static final KillTimes kills = new KillTimes("[swarm]");

    @AfterAll
    static void report() {
        kills.report();
    }

    // ------------------------------------------------------------------------------------------------ hooks

    @Override
    HttpResponse<String> send(String method, String path, String body) throws Exception {
        return swarm.send(method, path, body);
    }

    /** The pool's services that run a task now. */
    @Override
    Set<String> runningReplicas() {
        return swarm.services().stream().map(service -> service.getSpec().getName())
                .filter(name -> !swarm.runningTasks(name).isEmpty()).collect(Collectors.toSet());
    }

    @Override
    int serverIdOf(String name) {
        return swarm.services().stream().filter(s -> name.equals(s.getSpec().getName())).findFirst()
                .map(s -> Integer.parseInt(s.getSpec().getLabels().get("lb.server-id")))
                .orElseThrow(() -> new AssertionError("no service " + name));
    }

    /** Every service of the pool runs exactly one task: none without, none with two. */
    @Override
    void assertNoLeftovers() {
        for (Service service : swarm.services()) {
            String name = service.getSpec().getName();
            assertEquals(1, swarm.runningTasks(name).size(), "running tasks of " + name);
        }
    }

    // ------------------------------------------------------------------------------------------------ swarm

    @Test
    @Order(20)
    void everyReplicaIsAHardenedOneTaskServiceWithDnsrrOnTheOverlay() throws Exception {
        List<String> names = replicasIn(send("GET", "/rep", null).body());
        assertEquals(new HashSet<>(names), swarm.services().stream().map(s -> s.getSpec().getName())
                .collect(Collectors.toSet()));
        ServiceSpec spec = swarm.services().getFirst().getSpec();

        assertEquals(1, spec.getMode().getReplicated().getReplicas());
        assertEquals("dnsrr", spec.getEndpointSpec().getMode().name().toLowerCase(java.util.Locale.ROOT));
        assertEquals(swarm.network, swarm.docker().inspectNetworkCmd()
                .withNetworkId(spec.getTaskTemplate().getNetworks().getFirst().getTarget()).exec().getName());
        var container = swarm.docker().inspectContainerCmd(swarm.containerIdOf(spec.getName())).exec();
        assertEquals("10001:10001", container.getConfig().getUser());
        assertTrue(container.getHostConfig().getReadonlyRootfs());
        assertEquals("[ALL]", java.util.Arrays.toString(container.getHostConfig().getCapDrop()));
        assertEquals(256L, container.getHostConfig().getPidsLimit());
        assertEquals(256L * 1024 * 1024, container.getHostConfig().getMemory());
        assertEquals(1_000_000_000L, container.getHostConfig().getNanoCPUs());
        String api = swarm.docker().versionCmd().exec().getApiVersion();
        if (apiAtLeast(api, 1, 44)) {
            List<String> opts = container.getHostConfig().getSecurityOpts();
            List<String> securityOpts = opts == null ? List.of() : opts;
            assertTrue(securityOpts.stream().anyMatch(o -> o.startsWith("no-new-privileges")), securityOpts.toString());
        } else {
            System.out.println("[swarm] engine API " + api + " < 1.44 has no NoNewPrivileges for tasks: not checked"
                    + " (README: the daemon-wide option)");
        }
    }

    private static boolean apiAtLeast(String version, int major, int minor) {
        String[] parts = version.split("\\.");
        int theirMajor = Integer.parseInt(parts[0]);
        return theirMajor > major || theirMajor == major && Integer.parseInt(parts[1]) >= minor;
    }

    @Test
    @Order(21)
    void aNameHeldByAnotherOwnersServiceIsRefusedAndThatServiceIsLeftAlone() throws Exception {
        swarm.createForeignService();
        List<String> before = replicasIn(send("GET", "/rep", null).body());

        HttpResponse<String> add = send("POST", "/add", "{\"n\": 1, \"hostnames\": [\"" + swarm.foreignService + "\"]}");

        assertEquals(409, add.statusCode(), add.body());
        assertEquals(before, replicasIn(send("GET", "/rep", null).body()));
        Service foreign = swarm.docker().listServicesCmd().withNameFilter(List.of(swarm.foreignService)).exec()
                .getFirst();
        assertEquals(0, foreign.getSpec().getMode().getReplicated().getReplicas(), "untouched");
    }

    @Test
    @Order(30)
    void aKilledTaskUnder2000GetsFailsNoneAndSwarmsNewTaskServesUnderTheSameName() throws Exception {
        Map<String, String> tasksBefore = taskIds();
        Load load = Load.start(swarm.baseUri(), 2_000, 16);
        load.awaitSent(300);
        killAndMeasure("Server2");
        Load.Result result = load.finish();

        assertEquals(0, result.failed(), "failed GETs: " + result.statuses());
        assertEquals(2_000, result.ok());
        assertEquals(List.of("Server1", "Server2", "Server3", "S10", "S11"), PoolHttp.names(swarm.baseUri()));
        Map<String, String> tasksAfter = taskIds();
        assertNotEquals(tasksBefore.get("Server2"), tasksAfter.get("Server2"), "Swarm's new task");
        tasksBefore.remove("Server2");
        tasksAfter.remove("Server2");
        assertEquals(tasksBefore, tasksAfter, "the others untouched");
        assertEquals(2, serverIdOf("Server2"));
        assertNoLeftovers();
    }

    @Test
    @Order(31)
    void repeatedKillsAreEachFollowed() throws Exception {
        List<String> victims = List.of("Server1", "Server3", "S10", "Server2", "S11");
        for (int i = 0; i < EXTRA_KILLS; i++) {
            String victim = victims.get(i % victims.size());
            awaitStable(victim);
            Load load = Load.start(swarm.baseUri(), 1_000, 8);
            load.awaitSent(200);
            killAndMeasure(victim);
            Load.Result result = load.finish();
            assertEquals(0, result.failed(), "failed GETs after killing " + victim + ": " + result.statuses());
            assertNoLeftovers();
        }
        assertEquals(List.of("Server1", "Server2", "Server3", "S10", "S11"), PoolHttp.names(swarm.baseUri()));
    }

    @Test
    @Order(40)
    void aRestartedBalancerAdoptsItsServicesAndTheirTasks() throws Exception {
        Map<String, String> before = taskIds();
        String id = swarm.balancer.getContainerId();
        swarm.docker().killContainerCmd(id).exec();
        swarm.docker().startContainerCmd(id).exec();
        PoolHttp.await(() -> PoolHttp.allUp(swarmBaseUriOrNull(), 5), "balancer back with 5 replicas up", LIVENESS);

        assertEquals(List.of("Server1", "Server2", "Server3", "S10", "S11"), PoolHttp.names(swarm.baseUri()));
        assertEquals(before, taskIds(), "the same tasks: adopted, none new");
        assertEquals(200, PoolHttp.get(swarm.baseUri(), 123_456));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static void killAndMeasure(String name) throws Exception {
        kills.killAndMeasure(swarm.baseUri(), swarm.docker(), name, SwarmIT::runningContainerOrNull, LIVENESS);
    }

    private static void awaitStable(String name) throws InterruptedException {
        kills.awaitStable(name);
    }

    private static String runningContainerOrNull(String name) {
        try {
            return swarm.containerIdOf(name);
        } catch (AssertionError none) {
            return null;
        }
    }

    /** Each replica's running task, by replica name. */
    private static Map<String, String> taskIds() {
        return SingleNodeSwarm.runningTaskIds(swarm.docker(), swarm.services());
    }

    private static String swarmBaseUriOrNull() {
        try {
            return swarm.baseUri();
        } catch (RuntimeException notYet) {
            return "http://127.0.0.1:1";
        }
    }
}
