package lb.balancer.membership;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import lb.balancer.routing.Replica;
import lb.balancer.runtime.ReplicaRuntime;
import lb.balancer.runtime.ReplicaStartException;
import lb.balancer.runtime.RuntimeUnavailableException;

/** An in-memory runtime: records what runs, fails starts of chosen names, and can play "daemon down". */
public final class FakeRuntime implements ReplicaRuntime {

    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Set<String> failingNames = ConcurrentHashMap.newKeySet();
    private final List<Replica> adoptable = new ArrayList<>();
    private volatile boolean available = true;

    public Set<String> running() {
        return Set.copyOf(running);
    }

    public void failStartsOf(String name) {
        failingNames.add(name);
    }

    public void setAvailable(boolean available) {
        this.available = available;
    }

    public void offerForAdoption(Replica replica) {
        adoptable.add(replica);
        running.add(replica.name());
    }

    @Override
    public boolean canSpawn() {
        return true;
    }

    @Override
    public void checkAvailable() throws RuntimeUnavailableException {
        if (!available) {
            throw new RuntimeUnavailableException("Docker daemon unreachable: connection refused", null);
        }
    }

    @Override
    public List<Replica> adopt() throws RuntimeUnavailableException {
        checkAvailable();
        return List.copyOf(adoptable);
    }

    @Override
    public Replica start(ReplicaSpec spec) throws ReplicaStartException, RuntimeUnavailableException {
        checkAvailable();
        if (failingNames.contains(spec.name())) {
            throw new ReplicaStartException("replica " + spec.name() + " failed to start: exit code 1");
        }
        running.add(spec.name());
        return new Replica(spec.name(), spec.id(), "127.0.0.1", 10_000 + spec.id(), spec.region());
    }

    @Override
    public void stop(Replica replica) throws RuntimeUnavailableException {
        checkAvailable();
        running.remove(replica.name());
    }

    @Override
    public void close() {
        running.clear();
    }
}
