package lb.balancer.runtime.swarm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.LocalNodeState;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.SwarmInfo;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lb.balancer.config.BalancerConfig.DockerSettings;
import lb.balancer.replica.ReplicaSpec;
import lb.balancer.runtime.ContainerForensics;
import lb.balancer.runtime.Death;
import lb.balancer.runtime.DockerConnection;
import lb.balancer.runtime.ReplicaLabels;

/**
 * The only class of the swarm runtime that talks to Docker: the pool's overlay network, its replica services
 * (create, list, remove, force a new task) and their tasks. Listing goes by label, so services this balancer did not
 * make are never touched.
 *
 * <p>Thread-safe (the docker-java client is). Calls block and throw docker-java's runtime exceptions;
 * {@link SwarmRuntime} runs each inside a {@code DockerCalls} deadline, which turns them into the runtime's checked
 * ones.
 */
class SwarmServices implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DockerHttpClient http;
    private final DockerConnection connection;
    private final DockerClient docker;
    private final DockerSettings settings;

    SwarmServices(DockerSettings settings) {
        this(settings, DockerConnection.open());
    }

    /** Not final only so that unit tests can stand in for Swarm (the connection is then never used). */
    SwarmServices(DockerSettings settings, DockerConnection connection) {
        this.settings = settings;
        this.connection = connection;
        this.http = connection.http();
        this.docker = connection.client();
    }

    void ping() {
        docker.pingCmd().exec();
    }

    /**
     * Why this engine cannot run the swarm runtime (not in a swarm, or a worker, which cannot create services); empty
     * when it can.
     */
    Optional<String> notAManager() {
        SwarmInfo swarm = docker.infoCmd().exec().getSwarm();
        if (swarm == null || swarm.getLocalNodeState() != LocalNodeState.ACTIVE) {
            return Optional.of("this Docker engine is not in a swarm (state "
                    + (swarm == null ? "unknown" : swarm.getLocalNodeState()) + "): run `docker swarm init`, or point "
                    + "DOCKER_HOST at a manager");
        }
        if (!Boolean.TRUE.equals(swarm.getControlAvailable())) {
            return Optional.of("this Docker engine is a swarm worker: the balancer must run on a manager "
                    + "(placement constraint node.role == manager)");
        }
        return Optional.empty();
    }

    /**
     * Creates the pool's attachable overlay network unless one of that name exists. Returns why it cannot be used
     * when a network of that name exists but is not an overlay (e.g. the docker runtime's bridge {@code net1}).
     */
    Optional<String> ensureOverlay() {
        Optional<Network> existing = docker.listNetworksCmd().withNameFilter(settings.network()).exec().stream()
                .filter(network -> network.getName().equals(settings.network())).findFirst();
        if (existing.isEmpty()) {
            docker.createNetworkCmd().withName(settings.network()).withDriver("overlay").withAttachable(true)
                    .withLabels(ReplicaLabels.poolLabels(settings.pool())).exec();
        } else if (!"overlay".equals(existing.get().getDriver())) {
            return Optional.of("LB_NETWORK=" + settings.network() + " is a " + existing.get().getDriver()
                    + " network; the swarm runtime needs an overlay network (attachable, so the balancer can join it)");
        }
        return Optional.empty();
    }

    /** Creates the replica's service; Swarm then schedules its task. Returns the service id. */
    String create(ReplicaSpec spec) {
        return docker.createServiceCmd(ReplicaServiceTemplate.of(spec, settings)).exec().getId();
    }

    /** This pool's replica services. */
    List<Service> listPool() {
        return docker.listServicesCmd().withLabelFilter(poolLabels()).exec();
    }

    /** The service named {@code name}, of any owner (names are unique in a swarm). */
    Optional<Service> find(String name) {
        return docker.listServicesCmd().withNameFilter(List.of(name)).exec().stream()
                .filter(service -> name.equals(service.getSpec().getName())).findFirst();
    }

    /** Every service of the swarm, of any owner (for the names they hold). */
    List<Service> listAll() {
        return docker.listServicesCmd().exec();
    }

    boolean isOurs(Service service) {
        return ReplicaLabels.isPool(service.getSpec().getLabels(), settings.pool());
    }

    /** The spec a replica service was made from (see {@link ReplicaLabels#specOf}). */
    static ReplicaSpec specOf(Service service) {
        return ReplicaLabels.specOf(service.getSpec().getLabels(),
                service.getSpec().getTaskTemplate().getContainerSpec().getEnv());
    }

    /**
     * The tasks Swarm means to keep running for this pool (desired state running), on every node. A task that died
     * has left this list or shows a state other than running.
     */
    List<ReplicaTask> liveTasks() {
        Map<String, List<String>> filters = new LinkedHashMap<>();
        filters.put("label", poolLabels().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        filters.put("desired-state", List.of("running"));
        return tasks(filters);
    }

    /** The tasks of one service, of any desired state (for start-failure messages). */
    List<ReplicaTask> tasksOf(String serviceName) {
        return tasks(Map.of("service", List.of(serviceName)));
    }

    private List<ReplicaTask> tasks(Map<String, List<String>> filters) {
        try {
            String query = URLEncoder.encode(JSON.writeValueAsString(filters), StandardCharsets.UTF_8);
            DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                    .method(DockerHttpClient.Request.Method.GET).path("/tasks?filters=" + query).build();
            try (DockerHttpClient.Response response = http.execute(request); InputStream body = response.getBody()) {
                byte[] bytes = body.readAllBytes();
                if (response.getStatusCode() != 200) {
                    throw new IllegalStateException("GET /tasks answered " + response.getStatusCode() + ": "
                            + new String(bytes, StandardCharsets.UTF_8).strip());
                }
                return ReplicaTask.parseAll(JSON.readTree(bytes), settings.network());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("listing Swarm tasks", e);
        }
    }

    /**
     * Asks Swarm to replace the service's task (what {@code docker service update --force} does); its update config
     * stops the old task before starting the new one. The spec sent is the template again (with the next
     * {@code ForceUpdate}), not the one read back: docker-java's models would drop the fields it does not know.
     */
    void forceNewTask(String serviceName) {
        Service service = find(serviceName).orElseThrow(() -> new IllegalStateException("no service " + serviceName));
        Integer force = service.getSpec().getTaskTemplate().getForceUpdate();
        ServiceSpec spec = ReplicaServiceTemplate.of(specOf(service), settings);
        spec.getTaskTemplate().withForceUpdate(force == null ? 1 : force + 1);
        docker.updateServiceCmd(service.getId(), spec).withVersion(service.getVersion().getIndex()).exec();
    }

    /** Removes the service; Swarm stops its task (SIGTERM, then the stop grace period). Missing is fine. */
    void remove(String serviceName) {
        try {
            docker.removeServiceCmd(serviceName).exec();
        } catch (com.github.dockerjava.api.exception.NotFoundException alreadyGone) {
            // nothing to remove
        }
    }

    /**
     * What the container of a dead task left: exit code, OOM flag, last log lines. Known only when the container is
     * on this node (the balancer's manager) and Swarm has not yet removed it; else {@link Death#UNKNOWN}.
     */
    Death deathOf(ReplicaTask task, int lines) {
        Death local = task.containerId() == null ? Death.UNKNOWN
                : ContainerForensics.deathOf(docker, task.containerId(), lines);
        if (local == Death.UNKNOWN && task.exitCode() != null) {
            return new Death(task.exitCode(), null, List.of()); // another node's: what the task status says
        }
        return local;
    }

    private Map<String, String> poolLabels() {
        return ReplicaLabels.poolLabels(settings.pool());
    }

    @Override
    public void close() {
        connection.close();
    }
}
