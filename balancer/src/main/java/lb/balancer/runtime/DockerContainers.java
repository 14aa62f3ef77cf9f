package lb.balancer.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.HostConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import lb.balancer.config.BalancerConfig.DockerSettings;
import lb.balancer.replica.ReplicaSpec;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The only class that talks to Docker: creates, starts, inspects, stops and lists this pool's replica containers
 * (and makes the one call to a container itself, a spare's claim).
 *
 * <p>Every container gets the same hardened {@link ContainerTemplate} (non-root, read-only, no capabilities, limits,
 * the pool's network only, no mounts, no published ports) and the {@link ReplicaLabels} and environment every runtime
 * gives a replica ({@code lb.managed-by}, {@code lb.pool}, {@code lb.hostname}, {@code lb.server-id},
 * {@code lb.region}). Listing
 * and removal go by label, so containers this balancer did not make are never touched. Warm spares carry the pool
 * labels and {@code lb.role=spare} instead of an identity, since labels cannot change once a spare is claimed: a
 * claimed spare's identity is its claim file ({@link #readClaim}).
 *
 * <p>Thread-safe (the docker-java client is). Calls throw docker-java's runtime exceptions; {@link DockerRuntime}
 * turns them into the runtime's checked ones.
 */
final class DockerContainers implements PoolContainers {

    /** Marks a warm spare: started with no identity, claimed later (see {@link WarmSpares}). */
    static final String ROLE = "lb.role";
    static final String ROLE_SPARE = "spare";
    /** The create call that made a container (a random token), see {@link DockerCalls}. */
    static final String CALL = "lb.call";
    /** Where a claimed spare records its claim (the server's {@code SERVER_CLAIM_FILE}). */
    static final String CLAIM_FILE = "/tmp/lb-claim";
    static final int STOP_GRACE_SECONDS = 5;

    private final DockerConnection connection;
    private final DockerClient docker;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final DockerSettings settings;
    private final ContainerTemplate template;

    DockerContainers(DockerSettings settings) {
        this.settings = settings;
        this.template = ContainerTemplate.of(settings);
        this.connection = DockerConnection.open();
        this.docker = connection.client();
    }

    @Override
    public void ping() {
        docker.pingCmd().exec();
    }

    @Override
    public void ensureNetwork() {
        boolean exists = docker.listNetworksCmd().withNameFilter(settings.network()).exec().stream()
                .anyMatch(network -> network.getName().equals(settings.network()));
        if (!exists) {
            docker.createNetworkCmd().withName(settings.network()).withDriver("bridge")
                    .withLabels(poolLabels()).exec();
        }
    }

    /**
     * Creates and starts a replica container; returns its id. {@code callToken} is put in the {@link #CALL} label, so
     * that a create that completes after its caller gave up can be recognised (and removed) by its events.
     */
    @Override
    public String createAndStart(ReplicaSpec spec, String callToken) {
        Map<String, String> labels = ReplicaLabels.of(spec, settings.pool());
        labels.put(CALL, callToken);
        return createAndStart(spec.name(), ReplicaLabels.env(spec), labels, template.replicaHostConfig());
    }

    @Override
    public String createAndStartSpare(String name, String callToken) {
        Map<String, String> labels = poolLabels();
        labels.put(ROLE, ROLE_SPARE);
        labels.put(CALL, callToken);
        return createAndStart(name, List.of("SERVER_SPARE=true", "SERVER_CLAIM_FILE=" + CLAIM_FILE,
                "PORT=" + ReplicaLabels.REPLICA_PORT), labels, template.spareHostConfig());
    }

    /** {@code env} is the container's whole environment, {@code PORT} included. */
    private String createAndStart(String name, List<String> env, Map<String, String> labels, HostConfig host) {
        String id = docker.createContainerCmd(template.image())
                .withName(name)
                .withUser(ContainerTemplate.USER)
                .withHostName(name)
                .withAliases(name)
                .withEnv(env)
                .withLabels(labels)
                .withHostConfig(host)
                .exec()
                .getId();
        try {
            docker.startContainerCmd(id).exec();
        } catch (RuntimeException e) {
            remove(id); // a created-but-not-started container would be a half-made replica
            throw e;
        }
        return id;
    }

    static boolean isSpare(Map<String, String> labels) {
        return labels != null && ROLE_SPARE.equals(labels.get(ROLE));
    }

    /**
     * The claim a spare recorded when it became a replica (form fields such as {@code SERVER_ID}), read from the
     * container's file system, which also works when it has stopped; null if it was never claimed.
     */
    @Override
    public Map<String, String> readClaim(String containerId) {
        try (InputStream tar = docker.copyArchiveFromContainerCmd(containerId, CLAIM_FILE).exec();
                TarArchiveInputStream entries = new TarArchiveInputStream(tar)) {
            if (entries.getNextEntry() == null) {
                return null;
            }
            return ClaimFields.decode(new String(entries.readAllBytes(), StandardCharsets.UTF_8));
        } catch (NotFoundException neverClaimed) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("reading the claim of container " + containerId, e);
        }
    }

    /** The server's {@code POST /claim}: form-encoded {@link ClaimFields}; it writes its claim file, then answers. */
    @Override
    public void claim(String containerId, String address, ReplicaSpec spec, Duration timeout)
            throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(baseUri(address) + "/claim"))
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(ClaimFields.encode(spec)))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IOException("claim answered " + answer.statusCode() + " " + answer.body());
        }
    }

    @Override
    public boolean isRunning(String containerId) {
        try {
            return Boolean.TRUE.equals(inspect(containerId).getState().getRunning());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public String pool() {
        return settings.pool();
    }

    private InspectContainerResponse inspect(String containerId) {
        return docker.inspectContainerCmd(containerId).exec();
    }

    /**
     * The address of a container just started, on the pool's network; throws if it has none (it stopped already).
     */
    @Override
    public String addressOfStarted(String containerId) throws ReplicaStartException {
        String address = networkAddress(inspect(containerId));
        if (address == null) {
            throw new ReplicaStartException("has no address on network " + settings.network());
        }
        return address;
    }

    /** Where a replica container at {@code address} answers HTTP. */
    static String baseUri(String address) {
        return "http://" + address + ":" + ReplicaLabels.REPLICA_PORT;
    }

    @Override
    public String addressOf(String containerId) {
        return networkAddress(inspect(containerId));
    }

    private String networkAddress(InspectContainerResponse container) {
        Map<String, ContainerNetwork> networks = container.getNetworkSettings().getNetworks();
        ContainerNetwork network = networks == null ? null : networks.get(settings.network());
        String ip = network == null ? null : network.getIpAddress();
        return ip == null || ip.isEmpty() ? null : ip;
    }

    /** Identity from the labels, experiment knobs from the environment. */
    @Override
    public ReplicaSpec specOf(String containerId) {
        InspectContainerResponse container = inspect(containerId);
        String[] env = container.getConfig().getEnv();
        return ReplicaLabels.specOf(container.getConfig().getLabels(), env == null ? List.of() : List.of(env));
    }

    @Override
    public List<Listed> listAll() {
        return listed(docker.listContainersCmd().withShowAll(true).exec());
    }

    @Override
    public java.util.Optional<Listed> byName(String name) {
        return listed(docker.listContainersCmd().withShowAll(true).withNameFilter(List.of(name)).exec()).stream()
                .filter(container -> name.equals(container.name())).findFirst();
    }

    @Override
    public boolean isOurs(Listed container) {
        return ReplicaLabels.isPool(container.labels(), settings.pool());
    }

    private static List<Listed> listed(List<Container> containers) {
        return containers.stream().map(c -> new Listed(c.getId(), nameOf(c), "running".equals(c.getState()),
                c.getLabels())).toList();
    }

    private static String nameOf(Container container) {
        String[] names = container.getNames();
        return names == null || names.length == 0 ? "" : names[0].substring(names[0].lastIndexOf('/') + 1);
    }

    @Override
    public void stop(String containerId, int graceSeconds) {
        try {
            docker.stopContainerCmd(containerId).withTimeout(graceSeconds).exec();
        } catch (NotModifiedException | NotFoundException alreadyStopped) {
            // nothing to stop
        } catch (DockerException refused) {
            // e.g. 409 for a paused container: the forced removal that follows kills it
        }
    }

    /**
     * Exit code, OOM flag and last log lines of a container that stopped (read before it is removed); what cannot
     * be read is left unknown.
     */
    @Override
    public Death deathOf(String containerId, int lines) {
        return ContainerForensics.deathOf(docker, containerId, lines);
    }

    @Override
    public java.io.Closeable streamPoolEvents(long sinceEpochSeconds, List<String> actions,
            Consumer<PoolContainers.Event> onEvent, Runnable onEnd) {
        return stream(docker.eventsCmd().withEventTypeFilter(EventType.CONTAINER)
                .withEventFilter(actions.toArray(String[]::new))
                .withLabelFilter(poolLabels())
                .withSince(Long.toString(sinceEpochSeconds)), onEvent, onEnd);
    }

    @Override
    public java.io.Closeable streamImageEvents(long sinceEpochSeconds, Consumer<PoolContainers.Event> onEvent,
            Runnable onEnd) {
        return stream(docker.eventsCmd().withEventTypeFilter(EventType.IMAGE).withEventFilter("tag", "load", "pull")
                .withSince(Long.toString(sinceEpochSeconds)), onEvent, onEnd);
    }

    private static ResultCallback.Adapter<com.github.dockerjava.api.model.Event> stream(com.github.dockerjava.api.command.EventsCmd cmd,
            Consumer<PoolContainers.Event> onEvent, Runnable onEnd) {
        return cmd.exec(new ResultCallback.Adapter<>() {
            @Override
            public void onNext(com.github.dockerjava.api.model.Event event) {
                Map<String, String> attributes = event.getActor() == null ? null : event.getActor().getAttributes();
                onEvent.accept(new PoolContainers.Event(event.getAction(), event.getId(), attributes));
            }

            @Override
            public void onError(Throwable cause) {
                super.onError(cause);
                onEnd.run();
            }

            @Override
            public void onComplete() {
                super.onComplete();
                onEnd.run();
            }
        });
    }

    @Override
    public List<Listed> listPool() {
        return listed(docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(poolLabels()).exec());
    }

    @Override
    public void rename(String containerId, String newName) {
        docker.renameContainerCmd(containerId).withName(newName).exec();
    }

    @Override
    public void remove(String containerId) {
        try {
            docker.removeContainerCmd(containerId).withForce(true).exec();
        } catch (NotFoundException alreadyGone) {
            // nothing to remove
        }
    }

    private Map<String, String> poolLabels() {
        return ReplicaLabels.poolLabels(settings.pool());
    }

    @Override
    public void close() {
        connection.close();
    }
}
