package lb.balancer.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import lb.balancer.forward.FrontDoor;
import lb.balancer.forward.Limits;
import lb.balancer.replica.ForwardListener;
import lb.balancer.routing.Pick;
import lb.balancer.testing.Await;
import org.junit.jupiter.api.Test;

class FrontDoorMetricsTest {

    @Test
    void connectionsOpenAndRefusedOverTheCapAreWhatTheClientsDid() throws Exception {
        Metrics metrics = new Metrics();
        FrontDoor door = FrontDoor.builder().bind("127.0.0.1", 0).pickers(() -> r -> new Pick.NoReplica("none"))
                .listener(ForwardListener.NONE).keyHasher(k -> 1).eventLoops(1)
                .limits(Limits.DEFAULTS.withMaxConnections(2)).build().start();
        FrontDoorMetrics.register(metrics, door.counters());
        try (Socket first = new Socket("127.0.0.1", door.port()); Socket second = new Socket("127.0.0.1", door.port())) {
            Await.until(() -> door.counters().openConnections() == 2, "both connections accepted");
            try (Socket third = new Socket("127.0.0.1", door.port())) {
                InputStream in = third.getInputStream();
                String reply = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(reply.startsWith("HTTP/1.1 503"), reply);
            }
            Scrape s = Scrape.parse(metrics.scrape());
            assertEquals(2, s.value("lb_frontdoor_connections_open"));
            assertEquals(1, s.value("lb_frontdoor_connections_refused_total"));
            first.close();
            Await.until(() -> door.counters().openConnections() == 1, "the closed one is gone");
            assertEquals(1, Scrape.parse(metrics.scrape()).value("lb_frontdoor_connections_open"));
        } finally {
            door.close();
        }
    }
}
