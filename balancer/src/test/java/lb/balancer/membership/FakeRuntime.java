package lb.balancer.membership;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import lb.balancer.replica.Replica;
import lb.balancer.replica.ReplicaSpec;
import lb.balancer.runtime.Adoption;
import lb.balancer.runtime.ReplicaRuntime;
import lb.balancer.runtime.ReplicaStartException;
import lb.balancer.runtime.RuntimeUnavailableException;

/**
 * An in-memory runtime: records what runs, fails starts of chosen names, and can play "daemon down". In serving
 * mode each replica is a real in-process HTTP server on a loopback port (answering {@code /home} and
 * {@code /heartbeat}), so health checks and forwarding can be tested without Docker; {@link #kill} stops one behind
 * the pool's back, like {@code docker kill}.
 */
public final class FakeRuntime implements ReplicaRuntime {

    private final boolean serving;
    private final Map<String, HttpServer> servers = new ConcurrentHashMap<>();
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Set<String> failingNames = ConcurrentHashMap.newKeySet();
    private final List<Replica> adoptable = new ArrayList<>();
    private final List<ReplicaSpec> deadForAdoption = new ArrayList<>();
    private volatile DeathListener onDeath = (replica, death) -> {};
    private final List<ReplicaSpec> startedSpecs = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger starts = new AtomicInteger();
    private volatile boolean available = true;
    /** While set, starts of these names block until {@link #releaseHangs} (a daemon that does not answer). */
    private final Set<String> hangingNames = ConcurrentHashMap.newKeySet();
    private volatile java.util.concurrent.CountDownLatch hang = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean checksHang;
    private volatile ReplicaStartException.Kind failureKind = ReplicaStartException.Kind.CRASHED;
    private volatile java.util.function.Consumer<lb.balancer.runtime.RecoverySignal> onSignal = signal -> {};
    private final Set<String> stopped = ConcurrentHashMap.newKeySet();
    /** Serving replicas whose {@code /heartbeat} does not answer until {@link #answerHeartbeatsOf}. */
    private final Set<String> stalledHeartbeats = ConcurrentHashMap.newKeySet();

    public FakeRuntime() {
        this(false);
    }

    public FakeRuntime(boolean serving) {
        this.serving = serving;
    }

    private volatile String deathWitness = "the runtime saw it exit";

    /** The cause the pool gives deaths this runtime reports (Docker says {@code docker die event}). */
    public void witnessDeathsAs(String witness) {
        this.deathWitness = witness;
    }

    @Override
    public String deathWitness() {
        return deathWitness;
    }

    public Set<String> running() {
        return Set.copyOf(running);
    }

    /** Every spec a start was attempted with, in order. */
    public List<ReplicaSpec> startedSpecs() {
        return List.copyOf(startedSpecs);
    }

    public int starts() {
        return starts.get();
    }

    /** Starts of {@code name} block (like a call to a stopped daemon) until {@link #releaseHangs}. */
    public void hangStartsOf(String name) {
        hangingNames.add(name);
    }

    /** {@link #checkAvailable} blocks until {@link #releaseHangs} (a daemon stopped with {@code kill -STOP}). */
    public void hangChecks() {
        checksHang = true;
    }

    /** Lets every blocked call go on, as a daemon woken with {@code kill -CONT}. */
    public void releaseHangs() {
        hangingNames.clear();
        checksHang = false;
        hang.countDown();
        hang = new java.util.concurrent.CountDownLatch(1);
    }

    /** How failed starts are classified (default: the replica crashed). */
    public void failWith(ReplicaStartException.Kind kind) {
        failureKind = kind;
    }

    /** Tells the pool that a cause of failed replacements may be gone. */
    public void signal(lb.balancer.runtime.RecoverySignal signal) {
        onSignal.accept(signal);
    }

    @Override
    public void watchRecovery(java.util.function.Consumer<lb.balancer.runtime.RecoverySignal> onSignal) {
        this.onSignal = onSignal;
    }

    /** Names whose instances were stopped through {@link #stop}. */
    public Set<String> stopped() {
        return Set.copyOf(stopped);
    }

    private void awaitRelease() {
        try {
            hang.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** From now on {@code name}'s {@code /heartbeat} does not answer (its {@code /home} still does): a busy replica. */
    public void stallHeartbeatsOf(String name) {
        stalledHeartbeats.add(name);
    }

    public void answerHeartbeatsOf(String name) {
        stalledHeartbeats.remove(name);
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void failStartsOf(String name) {
        failingNames.add(name);
    }

    public void healStartsOf(String name) {
        failingNames.remove(name);
    }

    public void setAvailable(boolean available) {
        this.available = available;
    }

    public void offerForAdoption(Replica replica) {
        adoptable.add(replica);
        running.add(replica.name());
    }

    public void offerDeadForAdoption(ReplicaSpec spec) {
        deadForAdoption.add(spec);
    }

    /** Stops a replica and reports its death, as Docker's event stream or a child process's exit would. */
    public void die(Replica replica) {
        die(replica, lb.balancer.runtime.Death.UNKNOWN);
    }

    /** As {@link #die(Replica)}, with the forensics a container runtime would read. */
    public void die(Replica replica, lb.balancer.runtime.Death death) {
        kill(replica.name());
        onDeath.died(replica, death);
    }

    @Override
    public void watchDeaths(DeathListener onDeath) {
        this.onDeath = onDeath;
    }

    /** Stops a replica without telling anyone (it hangs, or its death goes unnoticed). */
    public void kill(String name) {
        running.remove(name);
        HttpServer server = servers.remove(name);
        if (server != null) {
            server.stop(0);
        }
    }

    @Override
    public boolean canSpawn() {
        return true;
    }

    @Override
    public void checkAvailable() throws RuntimeUnavailableException {
        if (checksHang) {
            awaitRelease();
        }
        if (!available) {
            throw new RuntimeUnavailableException("Docker daemon unreachable: connection refused", null);
        }
    }

    @Override
    public Adoption adopt() throws RuntimeUnavailableException {
        checkAvailable();
        List<Adoption.Running> alive = Adoption.of(adoptable).running();
        return new Adoption(alive, deadForAdoption);
    }

    @Override
    public Replica start(ReplicaSpec spec) throws ReplicaStartException, RuntimeUnavailableException {
        checkAvailable();
        starts.incrementAndGet();
        startedSpecs.add(spec);
        if (hangingNames.contains(spec.name())) {
            awaitRelease();
        }
        if (failingNames.contains(spec.name())) {
            throw new ReplicaStartException(failureKind, "replica " + spec.name() + " failed to start: exit code 1");
        }
        // A replacement gets a new port, as a new container gets a new address: it is a different instance.
        boolean firstStart = startedSpecs.stream().filter(started -> started.name().equals(spec.name())).count() == 1;
        int port = serving ? serve(spec) : firstStart ? 10_000 + spec.id() : 20_000 + starts.get();
        running.add(spec.name());
        return new Replica(spec.name(), spec.id(), "127.0.0.1", port, spec.region());
    }

    private int serve(ReplicaSpec spec) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            byte[] home = ("{\"message\": \"Hello from Server: " + spec.id() + "\", \"status\": \"successful\"}")
                    .getBytes(StandardCharsets.UTF_8);
            server.createContext("/home", exchange -> {
                exchange.sendResponseHeaders(200, home.length);
                exchange.getResponseBody().write(home);
                exchange.close();
            });
            server.createContext("/heartbeat", exchange -> {
                while (stalledHeartbeats.contains(spec.name()) && !Thread.currentThread().isInterrupted()) {
                    sleepBriefly(); // a heartbeat stuck behind the replica's load: late, but /home still answers
                }
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            servers.put(spec.name(), server);
            return server.getAddress().getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop(Replica replica) throws RuntimeUnavailableException {
        checkAvailable();
        kill(replica.name());
        stopped.add(replica.name());
    }

    @Override
    public void close() {
        List.copyOf(servers.keySet()).forEach(this::kill);
        running.clear();
    }
}
