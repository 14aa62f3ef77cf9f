package lb.balancer.runtime.swarm;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.ContainerSpecPrivileges;
import com.github.dockerjava.api.model.EndpointResolutionMode;
import com.github.dockerjava.api.model.EndpointSpec;
import com.github.dockerjava.api.model.NetworkAttachmentConfig;
import com.github.dockerjava.api.model.ResourceRequirements;
import com.github.dockerjava.api.model.ResourceSpecs;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceRestartCondition;
import com.github.dockerjava.api.model.ServiceRestartPolicy;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.TaskSpec;
import com.github.dockerjava.api.model.UpdateConfig;
import com.github.dockerjava.api.model.UpdateOrder;
import java.util.List;
import java.util.Map;
import lb.balancer.config.BalancerConfig.DockerSettings;
import lb.balancer.replica.ReplicaSpec;
import lb.balancer.runtime.ContainerTemplate;
import lb.balancer.runtime.ReplicaLabels;

/**
 * The Swarm service of one replica: one replicated task, named after the replica, whose container is the docker
 * runtime's hardened {@link ContainerTemplate} as far as a Swarm task template can say it, with the same labels and
 * environment ({@link ReplicaLabels}).
 *
 * <table>
 *   <caption>What every replica service gets, and why</caption>
 *   <tr><th>setting</th><th>value</th><th>why</th></tr>
 *   <tr><td>mode</td><td>replicated, 1 task</td><td>one ring identity per service; Swarm keeps that one task
 *       alive</td></tr>
 *   <tr><td>restart</td><td>any condition, no delay, no attempt limit</td><td>Swarm, the one owner of the
 *       decision, replaces a dead task at once (its default 5 s delay would be 5 s of a missing replica)</td></tr>
 *   <tr><td>update</td><td>stop-first, one at a time</td><td>a forced replacement of a hung task never runs two
 *       tasks of one replica</td></tr>
 *   <tr><td>network</td><td>{@code LB_NETWORK} only, alias = name</td><td>the balancer reaches the task on the
 *       overlay</td></tr>
 *   <tr><td>endpoint</td><td>dnsrr, no published port</td><td>no Swarm VIP (an L4 balancer of Swarm's, IPVS)
 *       between our ring and the replica</td></tr>
 *   <tr><td>container</td><td>user {@value ContainerTemplate#USER}, read-only root, all capabilities dropped,
 *       no-new-privileges (API 1.44+), no mounts, 5 s stop grace</td><td>as the docker runtime's replicas</td></tr>
 *   <tr><td>limits</td><td>{@code LB_REPLICA_MEMORY_MB}, {@value ContainerTemplate#PIDS_LIMIT} PIDs,
 *       {@value ContainerTemplate#CPUS} CPU</td><td>a runaway replica cannot starve its node</td></tr>
 *   <tr><td>labels</td><td>{@link ReplicaLabels#of}, on the service and its containers</td><td>adoption and listing
 *       go by label</td></tr>
 * </table>
 *
 * <p>{@code no-new-privileges} is asked for ({@code Privileges.NoNewPrivileges}), but only engines of API 1.44 and
 * later (Docker 25+) have that field for a task: an older engine ignores it, as the Engine API ignores every unknown
 * field, and its tasks run without the flag (see README for the daemon-wide {@code no-new-privileges} option, the one
 * way to set it there). With every capability dropped from the bounding set and an unprivileged user, a setuid binary
 * gains no privilege in such a task anyway.
 *
 * <p>Placement: Swarm's scheduler puts a new task on the eligible node that runs the fewest tasks, so single-task
 * services spread over the nodes by themselves (a spread preference acts only among one service's tasks).
 *
 * <p>docker-java 3.7's models lack two fields of Engine API 1.41, {@code ContainerSpec.CapabilityDrop} and
 * {@code Limits.Pids}, and one of 1.44, {@code Privileges.NoNewPrivileges}; the small subclasses below add them to the
 * JSON it sends.
 */
final class ReplicaServiceTemplate {

    private static final long STOP_GRACE_NANOS = 5_000_000_000L;

    private ReplicaServiceTemplate() {}

    static ServiceSpec of(ReplicaSpec spec, DockerSettings settings) {
        Map<String, String> labels = ReplicaLabels.of(spec, settings.pool());
        ContainerSpec container = new HardenedContainerSpec()
                .withImage(settings.serverImage())
                .withHostname(spec.name())
                .withEnv(ReplicaLabels.env(spec))
                .withLabels(labels)
                .withUser(ContainerTemplate.USER)
                .withReadOnly(true)
                .withPrivileges(new NoNewPrivileges())
                .withStopGracePeriod(STOP_GRACE_NANOS);
        TaskSpec task = new TaskSpec()
                .withContainerSpec(container)
                .withResources(new ResourceRequirements().withLimits(new LimitsWithPids()
                        .withMemoryBytes(settings.memoryBytes()).withNanoCPUs(ContainerTemplate.NANO_CPUS)))
                .withRestartPolicy(new ServiceRestartPolicy().withCondition(ServiceRestartCondition.ANY)
                        .withDelay(0L).withMaxAttempts(0L))
                .withNetworks(List.of(new NetworkAttachmentConfig().withTarget(settings.network())
                        .withAliases(List.of(spec.name()))));
        return new ServiceSpec()
                .withName(spec.name())
                .withLabels(labels)
                .withMode(new ServiceModeConfig().withReplicated(new ServiceReplicatedModeOptions().withReplicas(1)))
                .withTaskTemplate(task)
                .withUpdateConfig(new UpdateConfig().withParallelism(1L).withOrder(UpdateOrder.STOP_FIRST))
                .withEndpointSpec(new EndpointSpec().withMode(EndpointResolutionMode.DNSRR));
    }

    /** {@link ContainerSpec} with Engine API 1.41's {@code CapabilityDrop}: every capability dropped. */
    static final class HardenedContainerSpec extends ContainerSpec {
        private static final long serialVersionUID = 1L;

        @JsonProperty("CapabilityDrop")
        private final List<String> capabilityDrop = ContainerTemplate.droppedCapabilities();

        List<String> capabilityDrop() {
            return capabilityDrop;
        }
    }

    /** {@link ContainerSpecPrivileges} with Engine API 1.44's {@code NoNewPrivileges}, set. */
    static final class NoNewPrivileges extends ContainerSpecPrivileges {
        private static final long serialVersionUID = 1L;

        @JsonProperty("NoNewPrivileges")
        private final boolean noNewPrivileges = true;

        boolean noNewPrivileges() {
            return noNewPrivileges;
        }
    }

    /** {@link ResourceSpecs} with Engine API 1.41's {@code Pids} limit. */
    static final class LimitsWithPids extends ResourceSpecs {
        private static final long serialVersionUID = 1L;

        @JsonProperty("Pids")
        private final long pids = ContainerTemplate.PIDS_LIMIT;

        long pids() {
            return pids;
        }
    }
}
