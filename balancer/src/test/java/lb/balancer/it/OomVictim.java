package lb.balancer.it;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run by {@link OomForensicsIT} in a helper container that shares a replica's PID namespace, as the replica's user:
 * raises the replica's main process (PID 1 there) to {@code oom_score_adj} 1000, so that when the replica's cgroup
 * runs out of memory the kernel kills the replica's JVM first rather than the process that allocated last. Raising
 * a score needs no capability; the replica's image has no shell to do it with, hence a class.
 */
public final class OomVictim {

    private OomVictim() {}

    public static void main(String[] args) throws Exception {
        String command = Files.readString(Path.of("/proc/1/cmdline")).replace('\0', ' ').strip();
        if (!command.contains("server.jar")) {
            throw new IllegalStateException("PID 1 is not the replica's server: " + command);
        }
        Path score = Path.of("/proc/1/oom_score_adj");
        Files.writeString(score, "1000");
        System.out.println("oom_score_adj of " + command + ": " + Files.readString(score).strip());
    }
}
