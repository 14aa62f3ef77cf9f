package lb.balancer.it;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.Task;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.testcontainers.DockerClientFactory;

/**
 * The balancer as a Swarm service, deployed the README's way: {@code docker stack deploy -c docker-stack.yml} with
 * the project's own stack file, on a {@link SingleNodeSwarm}, with the images built from the Dockerfile (no registry:
 * {@code --resolve-image never}, as on a node that has the images loaded). Stack, pool and network names are random,
 * passed through the variables the stack file reads ({@code LB_BALANCER_IMAGE}, {@code LB_SERVER_IMAGE},
 * {@code LB_NETWORK}, {@code LB_POOL}, {@code LB_PUBLISHED_PORT}).
 *
 * <p>A {@link PoolExtension}: before the class's tests it deploys the stack and waits until its balancer serves three
 * replicas; after them it prints the log lines asked for of every balancer task (killed ones too), then
 * {@link #close() removes} the stack, the replica services the balancer made (they outlive the stack on purpose), the
 * network and, if it made it, the swarm.
 *
 * <p>Needs the {@code docker} command line (the stack file is read by it, not by the engine).
 */
final class SwarmStack extends PoolExtension<SwarmStack> {

    private static final Duration STARTUP = Duration.ofSeconds(180);
    private static final Duration COMMAND = Duration.ofSeconds(120);

    final String stack = "st-" + UUID.randomUUID().toString().substring(0, 8);
    final String pool = stack;
    final String network = "lb-" + stack;
    /** The balancer's service: the stack's service {@code balancer}, prefixed with the stack's name. */
    final String balancerService = stack + "_balancer";
    /** The host port the balancer publishes (mode host), a free one. */
    final int port = freePort();
    private DockerClient docker;
    private SingleNodeSwarm swarm;

    @Override
    boolean started() {
        return docker != null;
    }

    /** Builds the images, deploys the stack and waits until its balancer serves three replicas. */
    @Override
    void start() throws InterruptedException {
        docker = DockerClientFactory.instance().client();
        swarm = SingleNodeSwarm.join(docker);
        try {
            Path root = DockerPool.projectRoot();
            String serverImage = DockerPool.image(root, "server").get();
            String balancerImage = DockerPool.image(root, "balancer").get();
            Map<String, String> env = Map.of("LB_BALANCER_IMAGE", balancerImage, "LB_SERVER_IMAGE", serverImage,
                    "LB_NETWORK", network, "LB_POOL", pool, "LB_PUBLISHED_PORT", Integer.toString(port),
                    // Three tasks scheduled and three JVMs booting on a shared 2-core machine.
                    "LB_ADMIN_TIMEOUT_MS", "60000");
            Result deploy = docker(env, "stack", "deploy", "--resolve-image", "never", "-c",
                    root.resolve("docker-stack.yml").toString(), stack);
            if (deploy.exit() != 0) {
                throw new IllegalStateException("docker stack deploy failed (" + deploy.exit() + "): " + deploy.out());
            }
            PoolHttp.await(() -> PoolHttp.allUp(baseUri(), 3), "the stack's balancer serving 3 replicas", STARTUP);
        } catch (RuntimeException | InterruptedException | AssertionError e) {
            printLogLines();
            close();
            throw e;
        }
    }

    String baseUri() {
        return "http://127.0.0.1:" + port;
    }

    DockerClient docker() {
        return docker;
    }

    /** The balancer's service as Docker holds it: what the stack file became. */
    Service balancer() {
        return docker.listServicesCmd().withNameFilter(List.of(balancerService)).exec().stream()
                .filter(service -> balancerService.equals(service.getSpec().getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no service " + balancerService));
    }

    /** The running container of the balancer's task, or null while Swarm has none running. */
    String balancerContainerOrNull() {
        return docker.listContainersCmd().withLabelFilter(Map.of("com.docker.swarm.service.name", balancerService))
                .exec().stream().filter(c -> "running".equals(c.getState())).map(Container::getId).findFirst()
                .orElse(null);
    }

    /** This pool's replica services (made by the balancer, not by the stack). */
    List<Service> replicaServices() {
        return docker.listServicesCmd().withLabelFilter(poolLabels()).exec();
    }

    /** The running tasks of service {@code name} (Swarm's view). */
    List<Task> runningTasks(String name) {
        return SingleNodeSwarm.runningTasks(docker, name);
    }

    /** The running container of replica {@code name}'s task on this node. */
    Container replicaContainer(String name) {
        return docker.listContainersCmd().withLabelFilter(poolLabels()).exec().stream()
                .filter(c -> name.equals(c.getLabels().get("lb.hostname")) && "running".equals(c.getState()))
                .findFirst().orElseThrow(() -> new AssertionError("no running task container for " + name));
    }

    /** The log of container {@code id}, standard output and error. */
    String logsOf(String id) {
        return docker(Map.of(), "logs", id).out();
    }

    /** The lines of every balancer task's container (a killed one's too), each tagged with its container. */
    @Override
    Stream<String> balancerLog() {
        return docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of("com.docker.swarm.service.name", balancerService)).exec().stream()
                .flatMap(balancer -> logsOf(balancer.getId()).lines().map(line -> "task container "
                        + balancer.getId().substring(0, 12) + " (" + balancer.getState() + "): " + line));
    }

    /**
     * Removes the stack first (its balancer would otherwise start replica services again), then, once the balancer is
     * gone, the replica services, the network and the swarm if it was made here. Safe to call again.
     */
    @Override
    public void close() {
        if (docker == null) {
            return;
        }
        try {
            // Exits non-zero here: the stack's network is still used by the replica services, removed below.
            docker(Map.of(), "stack", "rm", stack);
            SingleNodeSwarm.await(() -> docker.listContainersCmd().withShowAll(true).withLabelFilter(
                    Map.of("com.docker.stack.namespace", stack)).exec().isEmpty(), "the stack's containers gone");
            for (Service service : replicaServices()) {
                SingleNodeSwarm.removeService(docker, service.getSpec().getName());
            }
            SingleNodeSwarm.await(() -> docker.listContainersCmd().withShowAll(true).withLabelFilter(poolLabels())
                    .exec().isEmpty(), "the pool's task containers gone");
            SingleNodeSwarm.await(() -> SingleNodeSwarm.removeNetwork(docker, network), "network " + network
                    + " removed");
        } finally {
            swarm.leave();
        }
    }

    private Map<String, String> poolLabels() {
        return Map.of("lb.managed-by", "lb-balancer", "lb.pool", pool);
    }

    record Result(int exit, String out) {}

    /** Runs the docker command line with {@code env} added; output and error together. */
    private static Result docker(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add("docker");
        command.addAll(List.of(args));
        try {
            // Output to a file, so that a command that hangs is cut at the deadline instead of blocking a read.
            Path out = Files.createTempFile("swarm-stack-", ".out");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                builder.environment().putAll(env);
                Process process = builder.start();
                if (!process.waitFor(COMMAND.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not end in " + COMMAND);
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("running " + String.join(" ", command) + " (is the docker CLI on PATH?)",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
