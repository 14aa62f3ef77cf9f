package lb.balancer.runtime.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading tasks from the Engine's {@code GET /tasks} JSON (shape as Docker 20.10 answers it, trimmed). */
class ReplicaTaskTest {

    private static final String TASKS = """
            [{"ID": "pew0gz1", "NodeID": "node-a", "DesiredState": "running",
              "Spec": {"ContainerSpec": {"Labels": {"lb.hostname": "Server2", "lb.pool": "lb"}}},
              "Status": {"State": "running", "Message": "started",
                         "ContainerStatus": {"ContainerID": "c0ffee1", "ExitCode": 0}},
              "NetworksAttachments": [
                {"Network": {"Spec": {"Name": "ingress"}}, "Addresses": ["10.0.0.9/24"]},
                {"Network": {"Spec": {"Name": "lb-overlay"}}, "Addresses": ["10.0.1.4/24"]}]},
             {"ID": "ppazot2", "NodeID": "node-a", "DesiredState": "shutdown",
              "Spec": {"ContainerSpec": {"Labels": {"lb.hostname": "Server2"}}},
              "Status": {"State": "failed", "Message": "started", "Err": "task: non-zero exit (137)",
                         "ContainerStatus": {"ContainerID": "dead01", "ExitCode": 137}},
              "NetworksAttachments": [{"Network": {"Spec": {"Name": "lb-overlay"}}, "Addresses": ["10.0.1.2/24"]}]},
             {"ID": "q3", "DesiredState": "running", "Spec": {"ContainerSpec": {}},
              "Status": {"State": "pending"}}]
            """;

    private static List<ReplicaTask> tasks() throws Exception {
        return ReplicaTask.parseAll(new ObjectMapper().readTree(TASKS), "lb-overlay");
    }

    @Test
    void aRunningTaskHasItsAddressOnThePoolsOverlayNotOnOtherNetworks() throws Exception {
        ReplicaTask task = tasks().get(0);

        assertEquals("pew0gz1", task.id());
        assertEquals("Server2", task.hostname());
        assertEquals("10.0.1.4", task.address());
        assertEquals("node-a", task.nodeId());
        assertEquals("c0ffee1", task.containerId());
        assertNull(task.exitCode(), "a running task has not exited");
        assertTrue(task.isRunning());
    }

    @Test
    void aDeadTaskIsNotRunningAndSaysWhy() throws Exception {
        ReplicaTask task = tasks().get(1);

        assertFalse(task.isRunning());
        assertEquals(137, task.exitCode());
        assertEquals("dead01", task.containerId());
        assertEquals("started: task: non-zero exit (137)", task.why());
    }

    @Test
    void aTaskNotYetScheduledHasNoAddressAndNoReplicaName() throws Exception {
        ReplicaTask task = tasks().get(2);

        assertNull(task.address());
        assertNull(task.containerId());
        assertEquals("", task.hostname());
        assertFalse(task.isRunning());
    }
}
