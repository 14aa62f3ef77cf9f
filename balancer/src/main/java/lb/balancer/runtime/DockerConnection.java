package lb.balancer.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.time.Duration;

/**
 * A connection to the Docker Engine API ({@code DOCKER_HOST}, else the local socket): docker-java's client, and the
 * HTTP client under it for the few endpoints docker-java does not model.
 *
 * <p>The response timeout is long on purpose: callers wait for their own deadline ({@link DockerCalls}), and a call
 * abandoned at its deadline should still hear how it ended when a hung daemon wakes up, so its change can be undone.
 */
public record DockerConnection(DockerClient client, DockerHttpClient http) implements AutoCloseable {

    public static DockerConnection open() {
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        DockerHttpClient http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .connectionTimeout(Duration.ofSeconds(3))
                .responseTimeout(Duration.ofMinutes(5))
                .maxConnections(64)
                .build();
        return new DockerConnection(DockerClientImpl.getInstance(config, http), http);
    }

    /** An object id as {@code docker ps} shows it: the first 12 characters. */
    public static String shortId(String id) {
        return id.substring(0, Math.min(12, id.length()));
    }

    /** Closes the HTTP client; on shutdown there is nothing useful to do about a failure, so none is thrown. */
    @Override
    public void close() {
        try {
            client.close();
        } catch (java.io.IOException e) {
            // closing on shutdown: nothing useful to do
        }
    }
}
