package lb.balancer.it;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.LocalNodeState;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.SwarmInfo;
import com.github.dockerjava.api.model.SwarmSpec;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.TaskState;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The swarm a Swarm IT runs on, left as it was found: the engine's own swarm when it is a manager already, else a
 * single-node swarm made here ({@code docker swarm init --advertise-addr 127.0.0.1}, listening on 127.0.0.1 only)
 * and left again with the {@code docker_gwbridge} network that init brought. An engine that is a swarm worker or in
 * a half-made swarm is refused untouched.
 */
final class SingleNodeSwarm {

    static final Duration CLEANUP = Duration.ofSeconds(60);
    private static final String GATEWAY_BRIDGE = "docker_gwbridge";

    private final DockerClient docker;
    private final boolean made;
    /** Whether the engine had Swarm's gateway bridge before: {@code docker swarm leave} keeps the one init made. */
    private final boolean hadGatewayBridge;
    private boolean left;

    private SingleNodeSwarm(DockerClient docker, boolean made, boolean hadGatewayBridge) {
        this.docker = docker;
        this.made = made;
        this.hadGatewayBridge = hadGatewayBridge;
    }

    /** Uses the engine's swarm, or makes one if the engine is in none. */
    static SingleNodeSwarm join(DockerClient docker) {
        boolean hadGatewayBridge = !docker.listNetworksCmd().withNameFilter(GATEWAY_BRIDGE).exec().isEmpty();
        SwarmInfo swarm = docker.infoCmd().exec().getSwarm();
        LocalNodeState state = swarm == null ? null : swarm.getLocalNodeState();
        if (state == LocalNodeState.ACTIVE) {
            if (!Boolean.TRUE.equals(swarm.getControlAvailable())) {
                throw new IllegalStateException("this Docker engine is a swarm worker: a Swarm IT needs a manager");
            }
            return new SingleNodeSwarm(docker, false, hadGatewayBridge);
        }
        if (state != null && state != LocalNodeState.INACTIVE) {
            throw new IllegalStateException("this Docker engine's swarm is " + state + ": a Swarm IT leaves it alone");
        }
        docker.initializeSwarmCmd(new SwarmSpec()).withListenAddr("127.0.0.1:2377").withAdvertiseAddr("127.0.0.1")
                .exec();
        return new SingleNodeSwarm(docker, true, hadGatewayBridge);
    }

    /** Leaves the swarm if it was made here (with its gateway bridge); else nothing. Safe to call again. */
    void leave() {
        if (!made || left) {
            return;
        }
        docker.leaveSwarmCmd().withForceEnabled(true).exec();
        left = true;
        if (!hadGatewayBridge) {
            await(() -> removeNetwork(docker, GATEWAY_BRIDGE), GATEWAY_BRIDGE + " removed");
        }
    }

    /** Whether network {@code name} is gone now (removed, or was not there); false while something still uses it. */
    static boolean removeNetwork(DockerClient docker, String name) {
        try {
            docker.removeNetworkCmd(name).exec();
            return true;
        } catch (NotFoundException gone) {
            return true;
        } catch (DockerException stillInUse) {
            return false;
        }
    }

    /** Removes service {@code name}; one that is not there is fine. */
    static void removeService(DockerClient docker, String name) {
        try {
            docker.removeServiceCmd(name).exec();
        } catch (NotFoundException gone) {
            // not there: nothing to remove
        }
    }

    /** The running tasks of service {@code name} (Swarm's view: running, and meant to keep running). */
    static List<Task> runningTasks(DockerClient docker, String name) {
        return docker.listTasksCmd().withServiceFilter(name).exec().stream()
                .filter(task -> task.getStatus() != null && task.getStatus().getState() == TaskState.RUNNING
                        && task.getDesiredState() == TaskState.RUNNING)
                .toList();
    }

    /** The one running task of each of {@code services}, by service name; fails for one without or with two. */
    static Map<String, String> runningTaskIds(DockerClient docker, List<Service> services) {
        Map<String, String> ids = new HashMap<>();
        for (Service service : services) {
            String name = service.getSpec().getName();
            List<Task> running = runningTasks(docker, name);
            if (running.size() != 1) {
                throw new AssertionError("running tasks of " + name + ": " + running.size() + ", expected 1");
            }
            ids.put(name, running.getFirst().getId());
        }
        return ids;
    }

    /** Waits up to {@link #CLEANUP} for {@code condition}; a clean-up step that never holds fails loudly. */
    static void await(BooleanSupplier condition, String what) {
        try {
            PoolHttp.await(condition, what, CLEANUP);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
