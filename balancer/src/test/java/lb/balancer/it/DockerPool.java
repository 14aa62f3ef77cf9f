package lb.balancer.it;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Volume;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * A balancer running as a container with the Docker socket, as in docker-compose, on a network and pool of its own
 * (random names, so parallel or leftover runs never mix). Builds both images from the top-level Dockerfile; the
 * JRE base image comes from {@code JRE_IMAGE} when set (e.g. {@code lb-jre:offline} where no registry answers).
 *
 * <p>A {@link PoolExtension}: {@code @RegisterExtension static final DockerPool docker = new DockerPool(env);}
 * builds the images, creates the network and starts the balancer before the class's tests, and after them prints the
 * balancer log lines asked for with {@link #printingLogLines} and {@link #close() removes} the balancer, every
 * container of the pool and the network.
 */
final class DockerPool extends PoolExtension<DockerPool> {

    final String pool = "it-" + UUID.randomUUID().toString().substring(0, 8);
    final String network = "lb-" + pool;
    private final Map<String, String> balancerEnv;
    /** Set once the images are built and the balancer created (before the tests). */
    String serverImage;
    GenericContainer<?> balancer;
    private DockerClient docker;

    /** A balancer with {@code balancerEnv} on top of the docker runtime settings of the pool. */
    DockerPool(Map<String, String> balancerEnv) {
        this.balancerEnv = Map.copyOf(balancerEnv);
    }

    @Override
    boolean started() {
        return balancer != null;
    }

    @Override
    Stream<String> balancerLog() {
        return logOf(balancer);
    }

    /** Builds the images, creates the network, starts the balancer and waits until it answers {@code /rep}. */
    @Override
    void start() {
        docker = DockerClientFactory.instance().client();
        Path root = projectRoot();
        serverImage = image(root, "server").get();
        docker.createNetworkCmd().withName(network).withDriver("bridge").exec();
        balancer = new GenericContainer<>(image(root, "balancer"))
                .withNetworkMode(network)
                // A plain bind rather than withFileSystemBind: that one first checks file mounting with an alpine
                // container, which where no registry answers means minutes of pull retries.
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                        .withBinds(new Bind("/var/run/docker.sock", new Volume("/var/run/docker.sock"))))
                .withEnv("LB_RUNTIME", "docker")
                .withEnv("LB_NETWORK", network)
                .withEnv("LB_POOL", pool)
                .withEnv("LB_SERVER_IMAGE", serverImage)
                .withEnv(balancerEnv)
                .withExposedPorts(5000)
                .waitingFor(Wait.forHttp("/rep").forStatusCode(200).withStartupTimeout(Duration.ofSeconds(120)));
        balancer.start();
    }

    /** Waits (at most 60 s) until Docker runs a spare that no replica has claimed; fails otherwise. */
    void awaitSpare() throws InterruptedException {
        long end = System.nanoTime() + 60_000_000_000L;
        while (spares().isEmpty() && System.nanoTime() < end) {
            Thread.sleep(200);
        }
        if (spares().isEmpty()) {
            throw new AssertionError("no spare became ready within 60 s");
        }
    }

    /**
     * Names of this pool's replica containers that Docker reports as running. By container name, the one identity
     * every replica has: a claimed spare keeps the labels it was started with (labels cannot change).
     */
    Set<String> runningReplicas() {
        return poolContainers().stream()
                .filter(container -> "running".equals(container.getState()) && !isUnclaimedSpare(container))
                .map(DockerPool::nameOf)
                .collect(Collectors.toSet());
    }

    /** This pool's running spares that no replica has claimed yet. */
    List<Container> spares() {
        return poolContainers().stream()
                .filter(container -> "running".equals(container.getState()) && isUnclaimedSpare(container))
                .toList();
    }

    /**
     * The ring id the balancer gave a replica: its container label, or for a claimed spare the claim it recorded
     * in its file system (what a restarted balancer reads).
     */
    int serverIdOf(String name) {
        Container container = poolContainers().stream().filter(c -> name.equals(nameOf(c)))
                .findFirst().orElseThrow(() -> new AssertionError("no container for " + name));
        String label = container.getLabels().get("lb.server-id");
        if (label != null) {
            return Integer.parseInt(label);
        }
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                docker.copyArchiveFromContainerCmd(container.getId(), "/tmp/lb-claim").exec())) {
            tar.getNextEntry();
            String claim = new String(tar.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            java.util.regex.Matcher id = java.util.regex.Pattern.compile("(?:^|&)SERVER_ID=(\\d+)").matcher(claim);
            if (!id.find()) {
                throw new AssertionError("claim of " + name + " has no SERVER_ID: " + claim);
            }
            return Integer.parseInt(id.group(1));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Whether replica {@code name} runs in a spare the balancer claimed (rather than a container made for it). */
    boolean isClaimedSpare(String name) {
        return poolContainers().stream().anyMatch(c -> name.equals(nameOf(c)) && "running".equals(c.getState())
                && "spare".equals(c.getLabels().get("lb.role")));
    }

    private boolean isUnclaimedSpare(Container container) {
        return nameOf(container).startsWith(pool + "-spare-");
    }

    static String nameOf(Container container) {
        String[] names = container.getNames();
        return names == null || names.length == 0 ? "" : names[0].substring(names[0].lastIndexOf('/') + 1);
    }

    List<Container> poolContainers() {
        return docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of("lb.managed-by", "lb-balancer", "lb.pool", pool)).exec();
    }

    /**
     * The balancer's base URI on the host. Read from Docker each time: a killed and restarted balancer container
     * gets a new host port.
     */
    String baseUri() {
        return PoolHttp.baseUriOf(docker, balancer);
    }

    DockerClient docker() {
        return docker;
    }

    /** The id of the running container of replica {@code name}. */
    String containerIdOf(String name) {
        return poolContainers().stream()
                .filter(c -> name.equals(nameOf(c)) && "running".equals(c.getState()))
                .map(Container::getId).findFirst()
                .orElseThrow(() -> new AssertionError("no running container for " + name));
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        return PoolHttp.send(baseUri(), method, path, body);
    }

    @Override
    public void close() {
        if (docker == null) {
            return; // never started
        }
        try {
            if (balancer != null) {
                balancer.stop();
            }
        } finally {
            for (Container container : poolContainers()) {
                docker.removeContainerCmd(container.getId()).withForce(true).exec();
            }
            docker.removeNetworkCmd(network).exec();
        }
    }

    static ImageFromDockerfile image(Path root, String target) {
        ImageFromDockerfile image = new ImageFromDockerfile("lb-" + target + "-it", false)
                .withFileFromPath("Dockerfile", root.resolve("Dockerfile"))
                .withFileFromPath("server/target/server.jar", root.resolve("server/target/server.jar"))
                .withFileFromPath("balancer/target/balancer.jar", root.resolve("balancer/target/balancer.jar"))
                .withTarget(target);
        String jreImage = System.getenv("JRE_IMAGE");
        if (jreImage != null && !jreImage.isBlank()) {
            image.withBuildArg("JRE_IMAGE", jreImage);
        }
        return image;
    }

    static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("Dockerfile"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no Dockerfile above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
