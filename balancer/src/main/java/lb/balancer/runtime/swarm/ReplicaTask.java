package lb.balancer.runtime.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import lb.balancer.runtime.ReplicaLabels;

/**
 * One Swarm task of a replica's service, as the task list reports it: which replica it serves (the
 * {@code lb.hostname} label of its container), what Swarm wants of it and what it is doing, and its address on the
 * pool's overlay network.
 *
 * <p>Read from the Engine API's JSON because docker-java's {@code Task} model has no {@code NetworksAttachments},
 * the only place a task's overlay address is given on any node of the cluster.
 *
 * @param id           task id; a task that dies is never restarted: Swarm makes a new task with a new id
 * @param hostname     the replica's name ({@code lb.hostname}), empty if the task is not a replica's
 * @param state        {@code Status.State}: new, pending, preparing, starting, running, failed, shutdown, ...
 * @param desiredState {@code DesiredState}: running while Swarm means to keep the task, shutdown once it gave up
 * @param address      IP on the pool's network, null before Swarm has allocated one
 * @param nodeId       the node the task was scheduled on
 * @param containerId  the task's container (on its node), null before Swarm made one
 * @param exitCode     the container's exit code once it exited, else null
 * @param why          Swarm's message and error for the state, for logs
 */
record ReplicaTask(String id, String hostname, String state, String desiredState, String address, String nodeId,
        String containerId, Integer exitCode, String why) {

    /** Whether this task serves: running, and Swarm means to keep it running. */
    boolean isRunning() {
        return "running".equals(state) && "running".equals(desiredState);
    }

    /** Parses a {@code GET /tasks} answer; {@code network} names the overlay whose address counts. */
    static List<ReplicaTask> parseAll(JsonNode tasks, String network) {
        List<ReplicaTask> parsed = new ArrayList<>();
        tasks.forEach(task -> parsed.add(parse(task, network)));
        return parsed;
    }

    static ReplicaTask parse(JsonNode task, String network) {
        JsonNode status = task.path("Status");
        String message = status.path("Message").asText("");
        String err = status.path("Err").asText("");
        return new ReplicaTask(
                task.path("ID").asText(),
                task.path("Spec").path("ContainerSpec").path("Labels").path(ReplicaLabels.HOSTNAME).asText(""),
                status.path("State").asText(""),
                task.path("DesiredState").asText(""),
                addressOn(task, network),
                task.path("NodeID").asText(""),
                textOrNull(status.path("ContainerStatus").path("ContainerID")),
                exitCode(status),
                err.isEmpty() ? message : message + ": " + err);
    }

    /** A container's exit code is reported once it exited (a running task reports 0 too: not an exit). */
    private static Integer exitCode(JsonNode status) {
        JsonNode code = status.path("ContainerStatus").path("ExitCode");
        boolean exited = switch (status.path("State").asText("")) {
            case "failed", "complete", "shutdown", "rejected", "orphaned" -> true;
            default -> false;
        };
        return exited && code.isNumber() ? code.asInt() : null;
    }

    private static String textOrNull(JsonNode node) {
        String text = node.asText("");
        return text.isEmpty() ? null : text;
    }

    /** The task's IP on {@code network} ({@code "10.0.1.5/24"} becomes {@code 10.0.1.5}); null when none. */
    private static String addressOn(JsonNode task, String network) {
        for (JsonNode attachment : task.path("NetworksAttachments")) {
            if (network.equals(attachment.path("Network").path("Spec").path("Name").asText())) {
                for (JsonNode address : attachment.path("Addresses")) {
                    String cidr = address.asText("");
                    int slash = cidr.indexOf('/');
                    String ip = slash < 0 ? cidr : cidr.substring(0, slash);
                    if (!ip.isEmpty()) {
                        return ip;
                    }
                }
            }
        }
        return null;
    }
}
