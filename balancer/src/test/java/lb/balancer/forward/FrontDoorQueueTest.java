package lb.balancer.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import lb.balancer.replica.ForwardListener;
import lb.balancer.routing.Pick;
import lb.balancer.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The per-replica cap through the front door (issue 11.3): requests over {@code replicaMaxConcurrent} wait in the
 * replica's queue and are served when a slot frees; beyond the queue, or past the queue timeout, a fast 503.
 */
class FrontDoorQueueTest {

    @RegisterExtension
    final DoorFixture fixture = new DoorFixture();
    private FrontDoor door;
    private FakeBackend b;

    private void start(int maxConcurrent, int maxQueue, Duration queueTimeout) throws Exception {
        b = fixture.backend(1);
        door = fixture.start(fixture.builder().pickers(() -> r -> new Pick.Routed(b.replica()))
                .listener(ForwardListener.NONE).eventLoops(2)
                .limits(Limits.DEFAULTS.withReplicaQueue(maxConcurrent, maxQueue, queueTimeout)));
    }

    private RawClient client() throws Exception {
        return fixture.closeAfter(new RawClient(door.port()));
    }

    private static CompletableFuture<RawClient.Response> async(RawClient c, String path) throws Exception {
        c.send("GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n");
        return CompletableFuture.supplyAsync(() -> {
            try {
                return c.read();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aQueuedRequestIsServedWhenTheSlotFrees() throws Exception {
        start(1, 4, Duration.ofSeconds(10));
        b.slowDelay = Duration.ofMillis(600);
        CompletableFuture<RawClient.Response> slow = async(client(), "/slow");
        Await.until(() -> b.hits.get() == 1, "the slow request reached the replica");

        CompletableFuture<RawClient.Response> queued = async(client(), "/home");

        assertEquals(200, slow.get(10, TimeUnit.SECONDS).status());
        RawClient.Response served = queued.get(10, TimeUnit.SECONDS);
        assertEquals(200, served.status(), served.body());
        assertEquals(2, b.hits.get());
    }

    @Test
    void beyondTheQueueIsRefusedAtOnceAndAQueuedRequestTimesOutWith503() throws Exception {
        start(1, 1, Duration.ofMillis(1000));
        b.slowDelay = Duration.ofSeconds(2);
        CompletableFuture<RawClient.Response> slow = async(client(), "/slow");
        Await.until(() -> b.hits.get() == 1, "the slow request reached the replica");
        CompletableFuture<RawClient.Response> queued = async(client(), "/home");
        Thread.sleep(150); // only to order the two requests: the queued one waits up to 1 s
        RawClient.Response refused = client().exchange("GET /home HTTP/1.1\r\nHost: a\r\n\r\n");

        assertEquals(503, refused.status());
        assertEquals("{\"message\": \"<Error> Replica Server1 is at its concurrency limit and its queue is full\", "
                + "\"status\": \"failure\"}", refused.body());
        RawClient.Response timedOut = queued.get(5, TimeUnit.SECONDS);
        assertEquals(503, timedOut.status());
        assertEquals("{\"message\": \"<Error> Replica Server1 stayed at its concurrency limit for the whole queue "
                + "timeout\", \"status\": \"failure\"}", timedOut.body());
        assertEquals(1, b.hits.get(), "neither reached the replica");
        assertEquals(200, slow.get(10, TimeUnit.SECONDS).status());
    }
}
