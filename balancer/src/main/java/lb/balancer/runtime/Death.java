package lb.balancer.runtime;

import java.util.List;

/**
 * What a runtime knows about how a replica died, read before its remains are removed (the forensics an operator
 * needs: {@code docker inspect}'s exit code and OOM flag, the last lines of its log).
 *
 * @param exitCode     the process's exit code, or null when unknown (a hung replica that was never seen to exit)
 * @param oomKilled    whether the kernel killed it for memory, or null when unknown. Docker's flag: true once the
 *                     kernel OOM-killed any process of the container's cgroup during its life, not only its main
 *                     one (Docker 20.10, measured: a {@code docker exec}'d process OOM-killed, the container kept
 *                     running, a later {@code docker kill} then reported exit 137 and OOMKilled true)
 * @param lastLogLines the last lines it wrote (at most a few dozen), oldest first; empty when unknown
 */
public record Death(Integer exitCode, Boolean oomKilled, List<String> lastLogLines) {

    /** Nothing known (a runtime that keeps no forensics, or remains already gone). */
    public static final Death UNKNOWN = new Death(null, null, List.of());

    public Death {
        lastLogLines = List.copyOf(lastLogLines);
    }

    /** One line for logs: {@code exit 137, OOM-killed}, or {@code no forensics}. */
    public String summary() {
        if (exitCode == null && oomKilled == null) {
            return "no forensics";
        }
        StringBuilder text = new StringBuilder();
        text.append(exitCode == null ? "exit code unknown" : "exit " + exitCode);
        if (Boolean.TRUE.equals(oomKilled)) {
            text.append(", OOM-killed");
        }
        return text.toString();
    }
}
