package lb.balancer.forward;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import lb.balancer.replica.Replica;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the front door tests set up and tear down alike: one door on an ephemeral loopback port, and the backends
 * and clients it talks to. Registered with {@code @RegisterExtension}; after each test it closes the door, then
 * everything handed to {@link #closeAfter} in the order it came (a test may hand over a latch's release before the
 * backend that waits on it).
 */
final class DoorFixture implements AfterEachCallback {

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private FrontDoor door;

    /** A builder bound to 127.0.0.1:0 that hashes every key to 1: these tests' pickers choose without a key. */
    FrontDoor.Builder builder() {
        return FrontDoor.builder().bind("127.0.0.1", 0).keyHasher(k -> 1);
    }

    /** Builds and starts the door this fixture closes after the test. */
    FrontDoor start(FrontDoor.Builder builder) throws Exception {
        door = builder.build().start();
        return door;
    }

    /** Closed after the test, after the door. */
    <T extends AutoCloseable> T closeAfter(T resource) {
        closeables.add(resource);
        return resource;
    }

    /** An in-process replica named {@code Server<id>}, closed after the test. */
    FakeBackend backend(int id) throws Exception {
        return closeAfter(new FakeBackend(id));
    }

    /** A replica whose port refuses connections: it was free a moment ago and nothing listens on it. */
    static Replica refusing(int id) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        return new Replica("Dead" + id, id, "127.0.0.1", port, "default");
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (door != null) door.close();
        for (AutoCloseable c : closeables) c.close();
    }
}
