package lb.balancer.it;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.Volume;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * A balancer with {@code LB_RUNTIME=swarm}, running as a container with the Docker socket on an attachable overlay
 * network of its own, on a single-node swarm. Pool and network names are random, so runs never mix.
 *
 * <p>The swarm variant of {@link DockerPool}'s lifecycle, as a JUnit extension:
 * {@code @RegisterExtension static final SwarmPool swarm = new SwarmPool();}. Before the class's tests it joins or
 * makes a {@link SingleNodeSwarm}, builds the images, creates the network and starts the balancer. After them (after
 * the class's {@code @AfterAll} methods) it prints the balancer log lines asked for with {@link #printingLogLines}
 * and {@link #close() removes} the balancer, every service of the pool (and {@link #foreignService}), the network and,
 * only if it made the swarm, the swarm: the engine is left as it was found.
 */
final class SwarmPool extends PoolExtension<SwarmPool> {

    final String pool = "sw-" + UUID.randomUUID().toString().substring(0, 8);
    final String network = "lb-" + pool;
    /** A service of another owner (no pool labels, no task), made by a test to hold a name. */
    final String foreignService = "foreign-" + pool;
    /** Set once the images are built and the balancer created (before the tests). */
    String serverImage;
    GenericContainer<?> balancer;
    private DockerClient docker;
    private SingleNodeSwarm swarm;

    @Override
    boolean started() {
        return docker != null;
    }

    @Override
    Stream<String> balancerLog() {
        return logOf(balancer);
    }

    /**
     * Joins or makes the swarm, builds the images, creates the overlay and starts the balancer; waits until it
     * answers {@code /rep}. On failure everything made so far is removed again.
     */
    @Override
    void start() {
        docker = DockerClientFactory.instance().client();
        swarm = SingleNodeSwarm.join(docker);
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
        return SingleNodeSwarm.runningTasks(docker, name);
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
                    SingleNodeSwarm.removeService(docker, service.getSpec().getName());
                }
                SingleNodeSwarm.removeService(docker, foreignService);
                SingleNodeSwarm.await(() -> containers().isEmpty(), "the pool's task containers gone");
                SingleNodeSwarm.await(() -> SingleNodeSwarm.removeNetwork(docker, network),
                        "network " + network + " removed");
            }
        } finally {
            swarm.leave();
        }
    }
}
