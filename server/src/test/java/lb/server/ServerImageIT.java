package lb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * Builds the server image from the top-level Dockerfile and runs two replicas on a user-defined bridge network.
 * The JRE base image comes from {@code JRE_IMAGE} when set (e.g. {@code lb-jre:offline} where no registry answers),
 * else the Dockerfile's default.
 */
class ServerImageIT {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Network network;
    private static GenericContainer<?> first;
    private static GenericContainer<?> second;

    @BeforeAll
    static void startTwoReplicas() {
        ImageFromDockerfile image = serverImage();
        network = Network.newNetwork();
        first = replica(image, "7", "replica-a");
        second = replica(image, "8", "replica-b");
        first.start();
        second.start();
    }

    @AfterAll
    static void stopReplicas() {
        for (AutoCloseable resource : new AutoCloseable[] {first, second, network}) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception e) {
                // best effort: the next resource must still be closed
            }
        }
    }

    static ImageFromDockerfile serverImage() {
        Path root = projectRoot();
        ImageFromDockerfile image = new ImageFromDockerfile("lb-server-it", true)
                .withFileFromPath("Dockerfile", root.resolve("Dockerfile"))
                .withFileFromPath("server/target/server.jar", root.resolve("server/target/server.jar"))
                .withTarget("server");
        String jreImage = System.getenv("JRE_IMAGE");
        if (jreImage != null && !jreImage.isBlank()) {
            image.withBuildArg("JRE_IMAGE", jreImage);
        }
        return image;
    }

    private static GenericContainer<?> replica(ImageFromDockerfile image, String id, String alias) {
        return new GenericContainer<>(image)
                .withEnv("SERVER_ID", id)
                .withNetwork(network)
                .withNetworkAliases(alias)
                .withExposedPorts(5000)
                .waitingFor(Wait.forHttp("/heartbeat").forStatusCode(200).withStartupTimeout(Duration.ofSeconds(60)));
    }

    private static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("Dockerfile"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no Dockerfile above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private static HttpResponse<String> get(GenericContainer<?> container, String path) throws Exception {
        URI uri = URI.create("http://" + container.getHost() + ":" + container.getMappedPort(5000) + path);
        return CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void eachReplicaAnswersHomeWithItsOwnId() throws Exception {
        HttpResponse<String> a = get(first, "/home");
        HttpResponse<String> b = get(second, "/home");

        assertEquals(200, a.statusCode());
        assertEquals("{\"message\": \"Hello from Server: 7\", \"status\": \"successful\"}", a.body());
        assertEquals(200, b.statusCode());
        assertEquals("{\"message\": \"Hello from Server: 8\", \"status\": \"successful\"}", b.body());
    }

    @Test
    void heartbeatIsAnEmpty200() throws Exception {
        HttpResponse<String> response = get(first, "/heartbeat");

        assertEquals(200, response.statusCode());
        assertEquals("", response.body());
    }

    /**
     * The contract the balancer relies on to claim a spare and, after a restart, to read back what it became: the
     * claim file at {@code /tmp/lb-claim}, readable from outside the container.
     */
    @Test
    void aSpareStartedFromTheImageCanBeClaimedAndRecordsItsClaim() throws Exception {
        try (GenericContainer<?> spare = new GenericContainer<>(serverImage())
                .withEnv("SERVER_SPARE", "true")
                .withEnv("SERVER_CLAIM_FILE", "/tmp/lb-claim")
                .withExposedPorts(5000)
                .waitingFor(Wait.forHttp("/heartbeat").forStatusCode(200).withStartupTimeout(Duration.ofSeconds(60)))) {
            spare.start();
            assertEquals(503, get(spare, "/home").statusCode());

            URI claim = URI.create("http://" + spare.getHost() + ":" + spare.getMappedPort(5000) + "/claim");
            HttpResponse<String> claimed = CLIENT.send(HttpRequest.newBuilder(claim)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("SERVER_ID=12&SERVER_NAME=S12")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(200, claimed.statusCode(), claimed.body());
            assertEquals("{\"message\": \"Hello from Server: 12\", \"status\": \"successful\"}",
                    get(spare, "/home").body());
            String record = spare.copyFileFromContainer("/tmp/lb-claim",
                    in -> new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            assertEquals("SERVER_ID=12&SERVER_NAME=S12\n", record);
        }
    }

    @Test
    void oneReplicaReachesTheOtherByName() throws Exception {
        // The JRE image has no shell or curl; the server jar carries a tiny HTTP probe for exactly this.
        ExecResult result = first.execInContainer(
                "java", "-cp", "/app/server.jar", "lb.server.HttpProbe", "http://replica-b:5000/home");

        assertEquals(0, result.getExitCode(), result.getStderr());
        assertTrue(result.getStdout().contains("Hello from Server: 8"), result.getStdout());
    }
}
