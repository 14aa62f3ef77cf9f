package lb.balancer.it;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.LocalNodeState;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.SwarmInfo;
import com.github.dockerjava.api.model.SwarmSpec;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.TaskState;
import com.github.dockerjava.api.model.Volume;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * A balancer with {@code LB_RUNTIME=swarm}, running as a container with the Docker socket on an attachable overlay
 * network of its own, on a single-node swarm. Pool and network names are random, so runs never mix.
 *
 * <p>The swarm variant of {@link DockerPool}'s lifecycle, as a JUnit extension:
 * {@code @RegisterExtension static final SwarmPool swarm = new SwarmPool();}. Before the class's tests it makes a
 * single-node swarm if the engine is in none ({@code docker swarm init --advertise-addr 127.0.0.1}, listening on
 * 127.0.0.1 only), builds the images, creates the network and starts the balancer. After them (after the class's
 * {@code @AfterAll} methods) it prints the balancer log lines asked for with {@link #printingLogLines} and
 * {@link #close() removes} the balancer, every service of the pool (and {@link #foreignService}), the network and,
 * only if it made the swarm, the swarm with the {@code docker_gwbridge} network that init brought: the engine is
 * left as it was found. A swarm that was there already is used and left; an engine that is a swarm worker or in a
 * half-made swarm fails the class with the reason, untouched.
 */
final class SwarmPool implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    private static final Duration CLEANUP = Duration.ofSeconds(60);
    private static final String GATEWAY_BRIDGE = "docker_gwbridge";

    final String pool = "sw-" + UUID.randomUUID().toString().substring(0, 8);
    final String network = "lb-" + pool;
    /** A service of another owner (no pool labels, no task), made by a test to hold a name. */
    final String foreignService = "foreign-" + pool;
    /** Set once the images are built and the balancer created (before the tests). */
    String serverImage;
    GenericContainer<?> balancer;
    private DockerClient docker;
    private boolean madeSwarm;
    /** Whether the engine had Swarm's gateway bridge before: {@code docker swarm leave} keeps the one init made. */
    private boolean hadGatewayBridge;
    private String logTag;
    private Predicate<String> logLines = line -> false;

    /** After the tests, prints the balancer's log lines that {@code lines} accepts, tagged {@code [tag]}. */
    SwarmPool printingLogLines(String tag, Predicate<String> lines) {
        this.logTag = tag;
        this.logLines = lines;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (docker == null) {
            return;
        }
        try {
            if (balancer != null) {
                DockerPool.printLogLines(balancer, logTag, logLines);
            }
        } finally {
            close();
        }
    }

    /**
     * Joins or makes the swarm, builds the images, creates the overlay and starts the balancer; waits until it
     * answers {@code /rep}. On failure everything made so far is removed again.
     */
    void start() {
        docker = DockerClientFactory.instance().client();
        hadGatewayBridge = !docker.listNetworksCmd().withNameFilter(GATEWAY_BRIDGE).exec().isEmpty();
        madeSwarm = joinSwarm();
        try {
            Path root = DockerPool.projectRoot();
            serverImage = DockerPool.image(root, "server").get();
            docker.createNetworkCmd().withName(network).withDriver("overlay").withAttachable(true).exec();
            balancer = new GenericContainer<>(DockerPool.image(root, "balancer"))
                    .withNetworkMode(network)
                    .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                            .withBinds(new Bind("/var/run/docker.sock", new Volume("/var/run/docker.sock"))))
                    .withEnv("LB_RUNTIME", "swarm")
                    .withEnv("LB_NETWORK", network)
                    .withEnv("LB_POOL", pool)
                    .withEnv("LB_SERVER_IMAGE", serverImage)
                    // Three Swarm tasks scheduled and three JVMs booting on a shared 2-core machine.
                    .withEnv("LB_ADMIN_TIMEOUT_MS", "60000")
                    .withExposedPorts(5000)
                    .waitingFor(Wait.forHttp("/rep").forStatusCode(200).withStartupTimeout(Duration.ofSeconds(180)));
            balancer.start();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Makes a single-node swarm if this engine is in none; returns whether it made one. */
    private boolean joinSwarm() {
        SwarmInfo swarm = docker.infoCmd().exec().getSwarm();
        LocalNodeState state = swarm == null ? null : swarm.getLocalNodeState();
        if (state == LocalNodeState.ACTIVE) {
            if (!Boolean.TRUE.equals(swarm.getControlAvailable())) {
                throw new IllegalStateException("this Docker engine is a swarm worker: SwarmIT needs a manager");
            }
            return false;
        }
        if (state != null && state != LocalNodeState.INACTIVE) {
            throw new IllegalStateException("this Docker engine's swarm is " + state + ": SwarmIT leaves it alone");
        }
        docker.initializeSwarmCmd(new SwarmSpec()).withListenAddr("127.0.0.1:2377").withAdvertiseAddr("127.0.0.1")
                .exec();
        return true;
    }

    String baseUri() {
        return PoolHttp.baseUriOf(docker, balancer);
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        return PoolHttp.send(baseUri(), method, path, body);
    }

    DockerClient docker() {
        return docker;
    }

    /** This pool's replica services. */
    List<Service> services() {
        return docker.listServicesCmd().withLabelFilter(poolLabels()).exec();
    }

    /** The running tasks of service {@code name} (Swarm's view). */
    List<Task> runningTasks(String name) {
        return docker.listTasksCmd().withServiceFilter(name).exec().stream()
                .filter(task -> task.getStatus() != null && task.getStatus().getState() == TaskState.RUNNING
                        && task.getDesiredState() == TaskState.RUNNING)
                .toList();
    }

    /** This pool's task containers (of every replica, running or not) on this node. */
    List<Container> containers() {
        return docker.listContainersCmd().withShowAll(true).withLabelFilter(poolLabels()).exec();
    }

    /** The id of the running container of replica {@code name}'s task. */
    String containerIdOf(String name) {
        return containers().stream()
                .filter(c -> name.equals(c.getLabels().get("lb.hostname")) && "running".equals(c.getState()))
                .map(Container::getId).findFirst()
                .orElseThrow(() -> new AssertionError("no running task container for " + name));
    }

    /** Makes {@link #foreignService}: another owner's service, with no task, holding that name. */
    void createForeignService() {
        docker.createServiceCmd(new com.github.dockerjava.api.model.ServiceSpec().withName(foreignService)
                .withTaskTemplate(new com.github.dockerjava.api.model.TaskSpec().withContainerSpec(
                        new com.github.dockerjava.api.model.ContainerSpec().withImage(serverImage)))
                .withMode(new com.github.dockerjava.api.model.ServiceModeConfig().withReplicated(
                        new com.github.dockerjava.api.model.ServiceReplicatedModeOptions().withReplicas(0))))
                .exec();
    }

    private Map<String, String> poolLabels() {
        return Map.of("lb.managed-by", "lb-balancer", "lb.pool", pool);
    }

    /**
     * Removes everything this class made, in an order Docker accepts: the balancer, the services, then (once their
     * tasks left it) the network, and last the swarm if it made it. Safe to call again.
     */
    @Override
    public void close() {
        if (docker == null) {
            return; // never started
        }
        try {
            try {
                if (balancer != null) {
                    balancer.stop();
                }
            } finally {
                for (Service service : services()) {
                    removeService(service.getSpec().getName());
                }
                removeService(foreignService);
                await(() -> containers().isEmpty(), "the pool's task containers gone");
                await(() -> removeNetwork(network), "network " + network + " removed");
            }
        } finally {
            if (madeSwarm) {
                docker.leaveSwarmCmd().withForceEnabled(true).exec();
                madeSwarm = false;
                if (!hadGatewayBridge) {
                    await(() -> removeNetwork(GATEWAY_BRIDGE), GATEWAY_BRIDGE + " removed");
                }
            }
        }
    }

    /** Whether network {@code name} is gone now (removed, or was not there); false while something still uses it. */
    private boolean removeNetwork(String name) {
        try {
            docker.removeNetworkCmd(name).exec();
            return true;
        } catch (com.github.dockerjava.api.exception.NotFoundException gone) {
            return true;
        } catch (DockerException stillInUse) {
            return false;
        }
    }

    private void removeService(String name) {
        try {
            docker.removeServiceCmd(name).exec();
        } catch (com.github.dockerjava.api.exception.NotFoundException gone) {
            // not there: nothing to remove
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        try {
            PoolHttp.await(condition, what, CLEANUP);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
