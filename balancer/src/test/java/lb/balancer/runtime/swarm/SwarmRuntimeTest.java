package lb.balancer.runtime.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceSpec;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import lb.balancer.config.BalancerConfig.DockerSettings;
import lb.balancer.replica.Replica;
import lb.balancer.replica.ReplicaSpec;
import lb.balancer.runtime.Adoption;
import lb.balancer.runtime.Deadline;
import lb.balancer.runtime.Death;
import lb.balancer.runtime.DockerConnection;
import lb.balancer.runtime.ReadinessProbe;
import lb.balancer.runtime.ReplicaStartException;
import lb.balancer.runtime.ReplicaStartException.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The swarm runtime's decisions against a fake Swarm (services and tasks in memory; the tasks' "containers" are one
 * local HTTP server answering {@code /heartbeat} on several loopback addresses): who creates what, whom it follows,
 * what it reports as a death.
 */
class SwarmRuntimeTest {

    private static final DockerSettings SETTINGS = new DockerSettings("lb-server:latest", "lb-overlay", "lb",
            256L * 1024 * 1024, 0);
    private static final ReplicaSpec S5 = new ReplicaSpec("S5", 5, "default", Map.of());
    private static final Deadline SOON = Deadline.in(Duration.ofSeconds(10));

    private HttpServer replicas;
    private FakeSwarm swarm;
    private SwarmRuntime runtime;
    private final List<String> deaths = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        replicas = HttpServer.create(new InetSocketAddress(0), 0);
        replicas.createContext("/heartbeat", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        replicas.start();
        swarm = new FakeSwarm();
        runtime = new SwarmRuntime(SETTINGS, swarm, new ReadinessProbe(Duration.ofSeconds(5)),
                replicas.getAddress().getPort(), Duration.ZERO);
        runtime.watchDeaths((replica, death) -> deaths.add(replica.name() + "@" + replica.host() + ": "
                + death.summary()));
    }

    @AfterEach
    void stop() {
        runtime.close();
        replicas.stop(0);
    }

    @Test
    void aNewReplicaIsOneServiceWhoseTaskServesAtItsOverlayAddress() throws Exception {
        Replica replica = runtime.start(S5, SOON).replica();

        assertEquals("127.0.0.1", replica.host());
        assertEquals(5, replica.id());
        assertEquals(1, swarm.creates.get());
        assertEquals(List.of("S5"), List.copyOf(swarm.services.keySet()));
    }

    @Test
    void aReplacementFollowsSwarmsNewTaskAndNeverCreatesASecondServiceOrTask() throws Exception {
        Replica first = runtime.start(S5, SOON).replica();
        swarm.killTask("S5", 137); // Swarm notices and starts task 2, at a new address

        runtime.checkTasks();
        awaitDeaths(1);
        runtime.discard(first);
        Replica second = runtime.start(S5, SOON).replica();

        assertEquals(List.of("S5@127.0.0.1: exit 137"), deaths);
        assertEquals("127.0.0.2", second.host(), "the new task's address");
        assertEquals(first.name(), second.name());
        assertEquals(first.id(), second.id());
        assertNotEquals(first, second);
        assertEquals(1, swarm.creates.get(), "the service is Swarm's to heal: no second create");
        assertEquals(0, swarm.forcedUpdates.get());
        assertEquals(1, swarm.running("S5"), "one task runs");
    }

    @Test
    void aTaskSwarmStillRunsAfterTheBalancerGaveUpOnItIsHandedToSwarmOnce() throws Exception {
        Replica hung = runtime.start(S5, SOON).replica();
        runtime.discard(hung); // heartbeats failed: the pool declared it dead, Swarm still sees it running

        runtime.checkTasks();
        runtime.checkTasks();

        assertEquals(1, swarm.forcedUpdates.get(), "one service update --force, not one per tick");
        assertEquals(List.of(), deaths, "the pool already knows: not reported again");
    }

    @Test
    void aReplicaSwarmCannotRestartIsFollowedUntilTheDeadlineAndItsServiceLeftToSwarm() throws Exception {
        Replica first = runtime.start(S5, SOON).replica();
        swarm.replaceDeadTasks = false; // a crash loop: Swarm's next task has not come up (yet)
        swarm.killTask("S5", 1);
        runtime.checkTasks();
        runtime.discard(first);

        ReplicaStartException failed = assertThrows(ReplicaStartException.class,
                () -> runtime.start(S5, Deadline.in(Duration.ofMillis(500))));
        runtime.checkTasks();

        assertEquals(Kind.TIMED_OUT, failed.kind(), failed.getMessage());
        assertEquals(List.of("S5"), List.copyOf(swarm.services.keySet()), "the service stays: Swarm's to restart");
        assertEquals(1, swarm.creates.get(), "no service of the balancer's own");
        assertEquals(0, swarm.removes.get());
        assertEquals(0, swarm.forcedUpdates.get(), "a dead task is not forced: Swarm's restart policy decides");
    }

    @Test
    void aRemovedReplicaIsNotReportedAsDead() throws Exception {
        Replica replica = runtime.start(S5, SOON).replica();

        runtime.stop(replica, SOON);
        runtime.checkTasks();

        assertEquals(Map.of(), swarm.services);
        Thread.sleep(50); // a death would be told from a thread of its own
        assertEquals(List.of(), deaths);
    }

    @Test
    void aServiceOfAnotherOwnerIsANameConflictAndIsLeftAlone() throws Exception {
        swarm.services.put("S5", new Service().withSpec(new ServiceSpec().withName("S5").withLabels(Map.of())));

        ReplicaStartException refused = assertThrows(ReplicaStartException.class, () -> runtime.start(S5, SOON));

        assertEquals(Kind.NAME_CONFLICT, refused.kind());
        assertEquals(0, swarm.creates.get());
        assertEquals(0, swarm.removes.get());
        assertTrue(runtime.namesHeldElsewhere(SOON).contains("S5"));
    }

    @Test
    void aNewServiceWhoseImageIsMissingFailsAtOnceAndIsRemoved() {
        swarm.rejectNext = "No such image: lb-server:latest";

        ReplicaStartException failed = assertThrows(ReplicaStartException.class, () -> runtime.start(S5, SOON));

        assertEquals(Kind.IMAGE_MISSING, failed.kind(), failed.getMessage());
        assertEquals(Map.of(), swarm.services, "nothing left behind");
    }

    @Test
    void aRestartedBalancerAdoptsRunningTasksAndFollowsServicesWithoutOne() throws Exception {
        runtime.start(S5, SOON);
        ReplicaSpec s6 = new ReplicaSpec("S6", 6, "eu", Map.of("SERVER_LATENCY_MS", "20"));
        runtime.start(s6, SOON);
        swarm.replaceDeadTasks = false; // Swarm has not started S6's next task yet
        swarm.killTask("S6", 1);
        runtime.close();

        SwarmRuntime restarted = new SwarmRuntime(SETTINGS, swarm, new ReadinessProbe(Duration.ofSeconds(5)),
                replicas.getAddress().getPort(), Duration.ZERO);
        Adoption adoption = restarted.adopt();

        assertEquals(List.of(S5), adoption.running().stream().map(Adoption.Running::spec).toList());
        assertEquals(List.of(s6), adoption.dead(), "followed as dead, with its profile");
        assertEquals(2, swarm.creates.get(), "adoption creates nothing");
        restarted.close();
    }

    private void awaitDeaths(int count) throws InterruptedException {
        for (int i = 0; i < 200 && deaths.size() < count; i++) {
            Thread.sleep(10);
        }
    }

    /** Swarm's services and tasks in memory. A created service gets a running task at the next loopback address. */
    private static final class FakeSwarm extends SwarmServices {
        final Map<String, Service> services = new ConcurrentHashMap<>();
        final List<ReplicaTask> tasks = new CopyOnWriteArrayList<>();
        final AtomicInteger creates = new AtomicInteger();
        final AtomicInteger removes = new AtomicInteger();
        final AtomicInteger forcedUpdates = new AtomicInteger();
        private final AtomicInteger nextAddress = new AtomicInteger(1);
        private final AtomicInteger nextTask = new AtomicInteger(1);
        volatile String rejectNext;
        volatile boolean replaceDeadTasks = true;

        FakeSwarm() {
            super(SETTINGS, DockerConnection.open()); // never used: every call below is answered here
        }

        @Override
        void ping() {}

        @Override
        Optional<String> notAManager() {
            return Optional.empty();
        }

        @Override
        Optional<String> ensureOverlay() {
            return Optional.empty();
        }

        @Override
        String create(ReplicaSpec spec) {
            creates.incrementAndGet();
            services.put(spec.name(), new Service().withId("svc-" + spec.name())
                    .withSpec(ReplicaServiceTemplate.of(spec, SETTINGS)));
            if (rejectNext != null) {
                tasks.add(task(spec.name(), "rejected", "shutdown", null, rejectNext));
            } else {
                runTask(spec.name());
            }
            return "svc-" + spec.name();
        }

        @Override
        List<Service> listPool() {
            return services.values().stream().filter(this::isOurs).toList();
        }

        @Override
        Optional<Service> find(String name) {
            return Optional.ofNullable(services.get(name));
        }

        @Override
        List<Service> listAll() {
            return List.copyOf(services.values());
        }

        @Override
        List<ReplicaTask> liveTasks() {
            return tasks.stream().filter(t -> "running".equals(t.desiredState())).toList();
        }

        @Override
        List<ReplicaTask> tasksOf(String serviceName) {
            return tasks.stream().filter(t -> t.hostname().equals(serviceName)).toList();
        }

        @Override
        void forceNewTask(String serviceName) {
            forcedUpdates.incrementAndGet();
        }

        @Override
        void remove(String serviceName) {
            removes.incrementAndGet();
            services.remove(serviceName);
            tasks.removeIf(t -> t.hostname().equals(serviceName));
        }

        @Override
        Death deathOf(ReplicaTask task, int lines) {
            return new Death(task.exitCode(), null, List.of());
        }

        /** The running task of {@code name} exits with {@code exitCode}; Swarm starts the next one. */
        void killTask(String name, int exitCode) {
            for (ReplicaTask t : new ArrayList<>(tasks)) {
                if (t.hostname().equals(name) && t.isRunning()) {
                    tasks.remove(t);
                    tasks.add(new ReplicaTask(t.id(), name, "failed", "shutdown", t.address(), "node-a",
                            t.containerId(), exitCode, "task: non-zero exit (" + exitCode + ")"));
                }
            }
            if (replaceDeadTasks) {
                runTask(name);
            }
        }

        int running(String name) {
            return (int) tasks.stream().filter(t -> t.hostname().equals(name) && t.isRunning()).count();
        }

        private void runTask(String name) {
            tasks.add(task(name, "running", "running", "127.0.0." + nextAddress.getAndIncrement(), "started"));
        }

        private ReplicaTask task(String name, String state, String desired, String address, String why) {
            int n = nextTask.getAndIncrement();
            return new ReplicaTask("task" + n, name, state, desired, address, "node-a", "container" + n, null, why);
        }
    }
}
