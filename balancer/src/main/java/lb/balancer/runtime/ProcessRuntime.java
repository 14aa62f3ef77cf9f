package lb.balancer.runtime;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import lb.balancer.replica.Replica;
import lb.balancer.replica.ReplicaSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicas as child JVM processes of {@code server.jar} on free loopback ports: the whole system without Docker.
 * Each replica's output goes to a log file under a temporary folder; a failed start quotes its last lines.
 *
 * <p>Children are stopped when the balancer exits; there is nothing to adopt after a restart.
 */
public final class ProcessRuntime implements ReplicaRuntime {

    private static final Logger log = LoggerFactory.getLogger(ProcessRuntime.class);
    private static final String LOOPBACK = "127.0.0.1";
    private static final long STOP_GRACE_SECONDS = 5;

    private final Path serverJar;
    private final String javaBinary;
    private final ReadinessProbe readiness;
    private final Path logDir;
    private final Map<String, Process> processes = new ConcurrentHashMap<>();
    private volatile java.util.function.Consumer<Replica> onDeath = replica -> {};

    public ProcessRuntime(Path serverJar, ReadinessProbe readiness) {
        if (!Files.isRegularFile(serverJar)) {
            throw new IllegalArgumentException("LB_SERVER_JAR: no server jar at " + serverJar.toAbsolutePath()
                    + " (build it with ./mvnw -q package -DskipTests)");
        }
        this.serverJar = serverJar.toAbsolutePath();
        // The same JVM that runs the balancer runs the replicas: it is known to be 21+.
        this.javaBinary = ProcessHandle.current().info().command().orElse("java");
        this.readiness = readiness;
        try {
            this.logDir = Files.createTempDirectory("lb-replicas-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a folder for replica logs", e);
        }
        log.info("process runtime: replicas run {} from {}, logs in {}", javaBinary, this.serverJar, logDir);
    }

    @Override
    public String deathWitness() {
        return "the replica's process exited";
    }

    @Override
    public boolean canSpawn() {
        return true;
    }

    @Override
    public void checkAvailable() {
        // the local machine is always there
    }

    @Override
    public Adoption adopt() {
        return Adoption.of(List.of());
    }

    @Override
    public Replica start(ReplicaSpec spec) throws ReplicaStartException {
        int port = freePort();
        Path logFile = logDir.resolve(spec.name() + ".log");
        ProcessBuilder builder = new ProcessBuilder(javaBinary, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Xmx64m", "-jar", serverJar.toString())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        builder.environment().putAll(spec.env());
        builder.environment().put("SERVER_ID", String.valueOf(spec.id()));
        builder.environment().put("SERVER_REGION", spec.region());
        builder.environment().put("PORT", String.valueOf(port));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ReplicaStartException("cannot launch " + javaBinary + ": " + e.getMessage(), e);
        }
        Replica replica = new Replica(spec.name(), spec.id(), LOOPBACK, port, spec.region());
        try {
            readiness.awaitReady(replica.baseUri(), process::isAlive);
        } catch (ReplicaStartException e) {
            process.destroyForcibly();
            String exit = process.isAlive() ? "" : " (exit code " + waitForExit(process) + ")";
            throw new ReplicaStartException(spec.name() + " " + e.getMessage() + exit + "; last log lines:\n"
                    + LogTail.of(logFile, 20));
        }
        processes.put(spec.name(), process);
        process.onExit().thenRun(() -> {
            // Still ours after exiting: it died on its own rather than being stopped.
            if (processes.remove(spec.name(), process)) {
                log.warn("{} (pid {}) exited with code {}", spec.name(), process.pid(), process.exitValue());
                onDeath.accept(replica);
            }
        });
        log.info("started {} (id {}) as pid {} on port {}", spec.name(), spec.id(), process.pid(), port);
        return replica;
    }

    @Override
    public void watchDeaths(java.util.function.Consumer<Replica> onDeath) {
        this.onDeath = onDeath;
    }

    @Override
    public void stop(Replica replica) {
        Process process = processes.remove(replica.name());
        if (process != null) {
            terminate(process);
            log.info("stopped {} (pid {})", replica.name(), process.pid());
        }
    }

    @Override
    public void close() {
        // Forgotten first, so their exits are not reported as deaths.
        List<Process> all = List.copyOf(processes.values());
        processes.clear();
        all.parallelStream().forEach(ProcessRuntime::terminate);
    }

    /** SIGTERM (the replica drains in-flight requests), then SIGKILL after a grace period. */
    private static void terminate(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int waitForExit(Process process) {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static int freePort() throws ReplicaStartException {
        // The port is released before the child binds it; a collision makes the start fail with a clear message.
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new ReplicaStartException("no free loopback port: " + e.getMessage(), e);
        }
    }
}
