package lb.server;

import java.nio.charset.StandardCharsets;

/**
 * What a replica answers as: its settings, the latency model built from them, and the {@code /home} body. A replica
 * started with {@code SERVER_ID} has one from the start; a spare gets one when the balancer claims it.
 */
final class ServedIdentity implements AutoCloseable {

    private final ServerConfig config;
    private final LatencyModel latency;
    private final byte[] homeBody;

    ServedIdentity(ServerConfig config) {
        this.config = config;
        this.latency = new LatencyModel(config);
        // The id is validated to a JSON-safe charset, so the body is built once and needs no escaping.
        this.homeBody = ("{\"message\": \"Hello from Server: " + config.serverId() + "\", \"status\": \"successful\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    ServerConfig config() {
        return config;
    }

    int nextDelayMillis() {
        return latency.nextDelayMillis();
    }

    byte[] homeBody() {
        return homeBody;
    }

    @Override
    public void close() {
        latency.close();
    }
}
