package lb.balancer.runtime;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import lb.balancer.replica.Replica;
import lb.balancer.replica.ReplicaSpec;

/**
 * Fixed backends the balancer fronts but does not own ({@code LB_BACKENDS}). They are named {@code Server1..N} with
 * ids 1..N in the order given. {@link #start} and {@link #stop} are refused: the pool checks {@link #canSpawn}
 * first and answers /add and /rm with a clear 4xx.
 */
public final class StaticRuntime implements ReplicaRuntime {

    private final List<URI> backends;

    public StaticRuntime(List<URI> backends) {
        this.backends = List.copyOf(backends);
    }

    @Override
    public boolean canSpawn() {
        return false;
    }

    @Override
    public void checkAvailable() {
        // nothing to reach: the backends are fixed
    }

    @Override
    public Adoption adopt() {
        List<Replica> replicas = new ArrayList<>();
        for (int i = 0; i < backends.size(); i++) {
            URI uri = backends.get(i);
            replicas.add(new Replica("Server" + (i + 1), i + 1, uri.getHost(), uri.getPort(), "default"));
        }
        return Adoption.of(replicas);
    }

    @Override
    public Replica start(ReplicaSpec spec) throws ReplicaStartException {
        throw new ReplicaStartException("the static runtime cannot start replicas");
    }

    @Override
    public void stop(Replica replica) {
        throw new UnsupportedOperationException("the static runtime cannot stop replicas");
    }

    @Override
    public void close() {
        // the backends are not ours to stop
    }
}
