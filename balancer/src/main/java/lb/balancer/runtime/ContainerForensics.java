package lb.balancer.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How a replica's container died, read from Docker before its remains go: exit code, OOM flag, last log lines. Used
 * for a container the docker runtime made and for the container of a Swarm task on the balancer's node alike.
 * Blocking calls: run them inside a {@link DockerCalls} deadline.
 */
public final class ContainerForensics {

    private ContainerForensics() {}

    /** Exit code, OOM flag and last log lines of a stopped container; what cannot be read is left unknown. */
    public static Death deathOf(DockerClient docker, String containerId, int lines) {
        Integer exitCode = null;
        Boolean oomKilled = null;
        try {
            var state = docker.inspectContainerCmd(containerId).exec().getState();
            if (!Boolean.TRUE.equals(state.getRunning())) {
                exitCode = state.getExitCodeLong() == null ? null : state.getExitCodeLong().intValue();
                oomKilled = state.getOOMKilled();
            }
        } catch (NotFoundException gone) {
            return Death.UNKNOWN;
        }
        String tail = logTail(docker, containerId, lines);
        List<String> logLines = tail.startsWith("(") ? List.of() : List.of(tail.split("\n"));
        return new Death(exitCode, oomKilled, logLines);
    }

    /** The last lines of a container's output, for start-failure messages. */
    public static String logTail(DockerClient docker, String containerId, int lines) {
        List<String> collected = new ArrayList<>();
        try {
            docker.logContainerCmd(containerId).withStdOut(true).withStdErr(true).withTail(lines)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame frame) {
                            collected.add(new String(frame.getPayload(), StandardCharsets.UTF_8).stripTrailing());
                        }
                    })
                    .awaitCompletion(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            return "(no log: " + e.getMessage() + ")";
        }
        return LogTail.of(collected, lines);
    }
}
