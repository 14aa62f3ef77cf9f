package lb.analysis.live;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Kills one replica the way a crash would, for A-3: a container through {@code docker kill <name>}, or a process
 * runtime child with SIGKILL. The child is found by its port: the {@code server.jar} process whose environment has
 * {@code PORT=<the port /status lists>} (Linux {@code /proc}); nothing else is touched.
 */
public final class ReplicaKiller {

    private ReplicaKiller() {}

    /** The mode {@code AUTO} stands for: a loopback address is a child process, anything else a container. */
    public static KillMode resolve(KillMode mode, ReplicaInfo victim) {
        if (mode != KillMode.AUTO) {
            return mode;
        }
        String host = victim.host();
        return host != null && (host.startsWith("127.") || host.equals("localhost")) ? KillMode.PROCESS
                : KillMode.DOCKER;
    }

    /** Kills {@code victim}; returns what was done, for the report. */
    public static String kill(ReplicaInfo victim, KillMode mode) {
        return switch (resolve(mode, victim)) {
            case DOCKER -> dockerKill(victim.name());
            case PROCESS -> killProcess(victim);
            case AUTO -> throw new IllegalStateException("unresolved kill mode");
        };
    }

    private static String dockerKill(String name) {
        try {
            Process docker = new ProcessBuilder("docker", "kill", name).redirectErrorStream(true).start();
            String output = new String(docker.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!docker.waitFor(30, TimeUnit.SECONDS) || docker.exitValue() != 0) {
                throw new IllegalStateException("docker kill " + name + " failed: " + output);
            }
            return "docker kill " + name;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run the Docker CLI (docker kill " + name + "): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String killProcess(ReplicaInfo victim) {
        int port = victim.port();
        ProcessHandle child = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("server.jar")).orElse(false))
                .filter(p -> environment(p.pid()).contains("PORT=" + port))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no server.jar process listens on port " + port
                        + " for " + victim.name() + " (is the balancer's runtime 'process', on this machine?)"));
        child.destroyForcibly();
        return "SIGKILL pid " + child.pid() + " (" + victim.name() + ", port " + port + ")";
    }

    /** The process's environment variables, or none when it cannot be read. */
    private static List<String> environment(long pid) {
        try {
            return List.of(Files.readString(Path.of("/proc", Long.toString(pid), "environ"),
                    StandardCharsets.ISO_8859_1).split("\0"));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
