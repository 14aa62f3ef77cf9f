package lb.balancer.forward;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import lb.balancer.replica.Replica;
import lb.balancer.routing.Pick;
import lb.balancer.routing.Picker;

/**
 * Runs the front door alone in front of fixed backends, for {@code bench/compare-designs.sh}, which compiles it with
 * the forward package (it is not part of the product; the real balancer wires the ring picker, membership and the
 * admin API instead).
 *
 * <pre>BenchFrontDoor [--port 5000] [--loops N] http://127.0.0.1:5001 http://127.0.0.1:5002 ...</pre>
 *
 * Routing is key modulo the number of backends (skipping excluded ids): as cheap as a ring lookup, which is an array
 * read, so the bench measures the data path rather than the strategy.
 */
public final class BenchFrontDoor {

    private BenchFrontDoor() {}

    public static void main(String[] args) throws Exception {
        int port = 5000;
        int loops = Runtime.getRuntime().availableProcessors();
        List<Replica> replicas = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--loops" -> loops = Integer.parseInt(args[++i]);
                default -> {
                    URI u = URI.create(args[i]);
                    int id = replicas.size() + 1;
                    replicas.add(new Replica("Server" + id, id, u.getHost(), u.getPort(), "default"));
                }
            }
        }
        if (replicas.isEmpty()) {
            System.err.println("usage: BenchFrontDoor [--port N] [--loops N] http://host:port ...");
            System.exit(2);
        }
        Picker picker = modulo(List.copyOf(replicas));
        FrontDoor door = FrontDoor.builder()
                .bind("0.0.0.0", port)
                .eventLoops(loops)
                .pickers(() -> picker)
                .keyHasher(BenchFrontDoor::hashKey)
                .build()
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(door::close));
        System.out.println("front door on port " + door.port() + " -> " + replicas);
        Thread.currentThread().join();
    }

    static Picker modulo(List<Replica> replicas) {
        int n = replicas.size();
        return request -> {
            int start = (int) Math.floorMod(request.key(), (long) n);
            for (int i = 0; i < n; i++) {
                Replica r = replicas.get((start + i) % n);
                if (!request.excludes(r.id())) return new Pick.Routed(r);
            }
            return new Pick.NoReplica("every replica failed");
        };
    }

    /** Numeric keys are used as numbers (as the spec says); others are hashed to a non-negative number. */
    static long hashKey(String key) {
        if (!key.isEmpty() && key.length() <= 18 && key.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Long.parseLong(key);
        }
        return key.hashCode() & 0x7fffffffL;
    }
}
