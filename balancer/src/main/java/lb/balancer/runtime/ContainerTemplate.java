package lb.balancer.runtime;

import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.RestartPolicy;
import java.util.List;
import lb.balancer.config.BalancerConfig.DockerSettings;

/**
 * The one shape of every replica container, hardened because the balancer holds the Docker socket (root on the
 * host) and a replica is what an attacker reaches first: whatever runs in a replica should be able to do as little
 * as possible beyond answering HTTP on the pool's network.
 *
 * <table>
 * <caption>What a replica container gets</caption>
 * <tr><th>setting</th><th>value</th><th>why</th></tr>
 * <tr><td>user</td><td>{@value #USER}</td><td>never root, even from an image without a {@code USER}</td></tr>
 * <tr><td>root file system</td><td>read-only; writable for spares</td><td>a spare records its claim in
 *     {@link DockerContainers#CLAIM_FILE}, which a restarted balancer reads back with {@code docker cp}, also from a
 *     stopped container: only the container's writable layer survives a stop and is readable that way (a tmpfs is
 *     neither), so spares, and the replicas they become, keep a writable layer</td></tr>
 * <tr><td>capabilities</td><td>all dropped</td><td>the server binds port 5000, which needs none</td></tr>
 * <tr><td>security options</td><td>{@value #NO_NEW_PRIVILEGES}</td><td>no setuid binary can regain root</td></tr>
 * <tr><td>memory</td><td>{@code LB_REPLICA_MEMORY_MB}, no swap on top</td><td>one replica cannot starve the
 *     host</td></tr>
 * <tr><td>processes</td><td>{@value #PIDS_LIMIT}</td><td>no fork bomb</td></tr>
 * <tr><td>CPU</td><td>{@value #CPUS} CPU</td><td>one busy replica leaves the other cores to the rest</td></tr>
 * <tr><td>mounts, published ports</td><td>none</td><td>nothing of the host inside, nothing of the replica
 *     outside the pool's network</td></tr>
 * <tr><td>network</td><td>the pool's bridge network only</td><td>replicas see the balancer and each other, no
 *     other network of the host</td></tr>
 * <tr><td>restart policy</td><td>none</td><td>the balancer replaces replicas itself</td></tr>
 * </table>
 *
 * <p>The values are public so that other container runtimes (e.g. Swarm services) apply the same template.
 *
 * @param image       the replica image ({@code LB_SERVER_IMAGE})
 * @param network     the pool's network ({@code LB_NETWORK})
 * @param memoryBytes memory limit ({@code LB_REPLICA_MEMORY_MB})
 */
public record ContainerTemplate(String image, String network, long memoryBytes) {

    /** An unprivileged user by number: the image needs no {@code /etc/passwd} entry for it. */
    public static final String USER = "10001:10001";
    public static final String NO_NEW_PRIVILEGES = "no-new-privileges:true";
    public static final long PIDS_LIMIT = 256;
    public static final double CPUS = 1.0;
    public static final long NANO_CPUS = (long) (CPUS * 1_000_000_000L);

    public static ContainerTemplate of(DockerSettings settings) {
        return new ContainerTemplate(settings.serverImage(), settings.network(), settings.memoryBytes());
    }

    /** For a replica created with its identity: nothing of it needs to be written. */
    public HostConfig replicaHostConfig() {
        return hostConfig(true);
    }

    /** For a warm spare: as a replica, but with a writable layer for its claim record (see the class comment). */
    public HostConfig spareHostConfig() {
        return hostConfig(false);
    }

    /** All capabilities dropped, as the API names them. */
    public static List<String> droppedCapabilities() {
        return List.of(Capability.ALL.name());
    }

    private HostConfig hostConfig(boolean readOnlyRoot) {
        return HostConfig.newHostConfig()
                .withNetworkMode(network)
                .withMemory(memoryBytes)
                .withMemorySwap(memoryBytes) // swap limit = memory limit: no swap beyond the memory limit
                .withPidsLimit(PIDS_LIMIT)
                .withNanoCPUs(NANO_CPUS)
                .withPrivileged(false)
                .withReadonlyRootfs(readOnlyRoot)
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of(NO_NEW_PRIVILEGES))
                .withPublishAllPorts(false)
                .withRestartPolicy(RestartPolicy.noRestart());
    }
}
