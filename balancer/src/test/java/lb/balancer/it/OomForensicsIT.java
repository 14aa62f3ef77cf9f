package lb.balancer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A replica really killed by the kernel for memory (issue 12, deliver 5): a process started in the replica's
 * container ({@code docker exec}, so in the replica's memory cgroup) allocates past the container's memory limit
 * ({@code LB_REPLICA_MEMORY_MB}), the cgroup's OOM killer kills the replica's JVM, and the balancer must have read the
 * container's exit code, OOM flag and last log lines before removing it, journaled them and replaced the replica.
 *
 * <p>Why the JVM and not the allocating process dies: the kernel kills the process with the highest OOM score, which
 * left alone is the allocator (the JVM stays up, Docker emits an {@code oom} event and the container keeps running,
 * measured on Docker 20.10). A replica whose own heap or native memory grows is the case that matters, so the
 * replica's JVM is made the first choice beforehand ({@link OomVictim}); the kill itself is the kernel's.
 */
class OomForensicsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LIVENESS = Duration.ofSeconds(30);
    private static final int MEMORY_MB = 256;

    @RegisterExtension
    static final DockerPool docker = new DockerPool(Map.of("LB_REPLICA_MEMORY_MB", Integer.toString(MEMORY_MB)))
            .printingLogLines("oom", line -> line.contains("died") || line.contains("DEAD")
                    || line.contains("replaced") || line.contains("OOM"));

    @Test
    void replicaOomKilledByTheKernelIsJournaledWithItsForensicsAndReplaced() throws Exception {
        PoolHttp.await(() -> PoolHttp.allUp(docker.baseUri(), 3), "three replicas up", LIVENESS);
        docker.awaitSpare();
        String victim = docker.containerIdOf("Server2");
        long limit = docker.docker().inspectContainerCmd(victim).exec().getHostConfig().getMemory();
        assertEquals(MEMORY_MB * 1024L * 1024L, limit, "the replica's memory limit is LB_REPLICA_MEMORY_MB");

        makeTheReplicaJvmTheOomVictim(victim);
        List<String> dockerEvents = new CopyOnWriteArrayList<>();
        long started = System.nanoTime();
        long diedAt;
        try (Closeable events = watchEvents(victim, dockerEvents)) {
            // A JVM that touches a heap as large as the container's limit at start-up: the cgroup runs out.
            allocateInside(victim, MEMORY_MB);
            PoolHttp.await(() -> !isRunning(victim), "the replica's container died", LIVENESS);
            diedAt = System.nanoTime();
            PoolHttp.await(() -> dockerEvents.contains("die"), "Docker's die event", LIVENESS);
        }
        String dockerState = dockerStateOf(victim); // may be gone already: the balancer removes what it replaced
        PoolHttp.await(() -> PoolHttp.allUp(docker.baseUri(), 3) && !victim.equals(runningIdOf("Server2")),
                "Server2 replaced", LIVENESS);
        long replacedAt = System.nanoTime();
        assertTrue(dockerEvents.contains("oom"), "Docker saw an OOM in the replica's cgroup: " + dockerEvents);

        JsonNode dead = null;
        JsonNode replaced = null;
        for (JsonNode event : status().path("events")) {
            if (!event.path("replica").asText().equals("Server2")) continue;
            switch (event.path("transition").asText()) {
                case "dead" -> dead = event;
                case "replaced_from_spare", "replaced_cold" -> replaced = event;
                default -> { }
            }
        }
        assertNotNull(dead, "Server2's death journaled: " + status().path("events"));
        assertNotNull(replaced, "Server2's replacement journaled: " + status().path("events"));
        // The die event's forensics go with the death; should two failed heartbeats declare it dead first, the
        // healer reads them before discarding the container and they go with the replacement.
        JsonNode death = dead.has("death") ? dead.path("death") : replaced.path("death");
        assertTrue(death.isObject(), "forensics in the dead or the replaced event: " + dead + " / " + replaced);
        assertEquals(137, death.path("exitCode").asInt(), death.toString());
        assertTrue(death.path("oomKilled").asBoolean(false), death.toString());
        List<String> lines = JSON.convertValue(death.path("lastLogLines"), JSON.getTypeFactory()
                .constructCollectionType(List.class, String.class));
        assertTrue(lines.stream().anyMatch(line -> line.contains("server 2 ")), "the replica's own log: " + lines);
        assertTrue(docker.balancerLog().anyMatch(line -> line.contains("Server2") && line.contains("OOM-killed")),
                "the balancer logged the OOM kill");
        JsonNode row = replicaRow("Server2");
        assertEquals(1, row.path("timesReplaced").asInt(), row.toString());

        System.out.println("[oom] Docker's state of the dead container: " + dockerState);
        System.out.println("[oom] Docker events: " + dockerEvents);
        System.out.println("[oom] forensics in the " + (dead.has("death") ? "dead" : "replaced") + " event: "
                + death);
        System.out.println("[oom] dead: " + dead.path("summary").asText() + "; " + replaced.path("summary").asText()
                + "; allocation started -> container dead " + (diedAt - started) / 1_000_000 + " ms, -> replacement "
                + "serving (seen by the test) " + (replacedAt - diedAt) / 1_000_000 + " ms after the death");
        assertNotEquals(victim, docker.containerIdOf("Server2"));
    }

    /**
     * Runs {@link OomVictim} in a throw-away container in the replica's PID namespace, as the replica's user and
     * as confined as a replica; removes it whatever happens.
     */
    private static void makeTheReplicaJvmTheOomVictim(String replica) throws Exception {
        String helper = docker.docker().createContainerCmd(docker.serverImage)
                .withName(docker.pool + "-oom-victim")
                .withEntrypoint("java", "-cp", "/tmp", OomVictim.class.getName())
                .withUser("10001:10001")
                .withHostConfig(HostConfig.newHostConfig().withPidMode("container:" + replica)
                        .withCapDrop(Capability.ALL).withSecurityOpts(List.of("no-new-privileges:true"))
                        .withNetworkMode("none"))
                .exec().getId();
        try {
            docker.docker().copyArchiveToContainerCmd(helper).withRemotePath("/tmp")
                    .withTarInputStream(classAsTar(OomVictim.class)).exec();
            docker.docker().startContainerCmd(helper).exec();
            int exit = docker.docker().waitContainerCmd(helper).start().awaitStatusCode(60, TimeUnit.SECONDS);
            String output = logOf(helper);
            assertEquals(0, exit, "OomVictim: " + output);
            assertTrue(output.contains(": 1000"), output);
        } finally {
            docker.docker().removeContainerCmd(helper).withForce(true).exec();
        }
    }

    /** {@code docker exec} of a JVM that commits and touches a {@code mb} MiB heap, then would print its version. */
    private static void allocateInside(String container, int mb) throws InterruptedException {
        String exec = docker.docker().execCreateCmd(container)
                .withCmd("java", "-Xms" + mb + "m", "-Xmx" + mb + "m", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC",
                        "-Xshare:off", "-version")
                .withAttachStdout(true).withAttachStderr(true).exec().getId();
        // Ends when the process does, killed with the container's PID namespace.
        docker.docker().execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>())
                .awaitCompletion(LIVENESS.toSeconds(), TimeUnit.SECONDS);
    }

    private static Closeable watchEvents(String container, List<String> into) {
        return docker.docker().eventsCmd().withContainerFilter(container).withEventFilter("oom", "die")
                .exec(new ResultCallback.Adapter<Event>() {
                    @Override
                    public void onNext(Event event) {
                        into.add(event.getAction());
                    }
                });
    }

    private static boolean isRunning(String container) {
        try {
            return Boolean.TRUE.equals(docker.docker().inspectContainerCmd(container).exec().getState().getRunning());
        } catch (NotFoundException gone) {
            return false;
        }
    }

    private static String dockerStateOf(String container) {
        try {
            var state = docker.docker().inspectContainerCmd(container).exec().getState();
            return "ExitCode " + state.getExitCodeLong() + ", OOMKilled " + state.getOOMKilled();
        } catch (NotFoundException gone) {
            return "(removed before the test could read it)";
        }
    }

    private static String runningIdOf(String name) {
        try {
            return docker.containerIdOf(name);
        } catch (AssertionError notRunning) {
            return null;
        }
    }

    private static JsonNode status() throws Exception {
        return JSON.readTree(docker.send("GET", "/status", null).body()).path("message");
    }

    private static JsonNode replicaRow(String name) throws Exception {
        for (JsonNode row : status().path("replicas")) {
            if (row.path("name").asText().equals(name)) return row;
        }
        throw new AssertionError("no " + name + " in /status");
    }

    private static String logOf(String container) throws InterruptedException {
        StringBuilder text = new StringBuilder();
        docker.docker().logContainerCmd(container).withStdOut(true).withStdErr(true)
                .exec(new ResultCallback.Adapter<Frame>() {
                    @Override
                    public void onNext(Frame frame) {
                        text.append(new String(frame.getPayload(), java.nio.charset.StandardCharsets.UTF_8));
                    }
                }).awaitCompletion(10, TimeUnit.SECONDS);
        return text.toString().strip();
    }

    /** A tar holding the class file of {@code type} under its package path, for {@code docker cp}. */
    private static InputStream classAsTar(Class<?> type) throws Exception {
        String path = type.getName().replace('.', '/') + ".class";
        byte[] bytes;
        try (InputStream in = type.getClassLoader().getResourceAsStream(path)) {
            bytes = in.readAllBytes();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            String dir = "";
            for (String part : path.substring(0, path.lastIndexOf('/')).split("/")) {
                dir += part + "/";
                TarArchiveEntry entry = new TarArchiveEntry(dir);
                entry.setMode(0755);
                tar.putArchiveEntry(entry);
                tar.closeArchiveEntry();
            }
            TarArchiveEntry file = new TarArchiveEntry(path);
            file.setSize(bytes.length);
            file.setMode(0644);
            tar.putArchiveEntry(file);
            tar.write(bytes);
            tar.closeArchiveEntry();
        }
        return new ByteArrayInputStream(out.toByteArray());
    }
}
