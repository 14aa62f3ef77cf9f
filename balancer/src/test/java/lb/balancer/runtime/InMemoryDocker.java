package lb.balancer.runtime;

import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import lb.balancer.replica.ReplicaSpec;

/**
 * Docker's state for one pool, in memory, as the runtime sees it through {@link PoolContainers}: containers with
 * ids, unique names, labels, a running flag and, for a claimed spare, its claim file. What Docker does, it does
 * too: a name held by another container is a 409 on create and on rename, create and start are two calls (a balancer
 * stopping in between leaves a created, stopped container), a stopped container keeps its name and file system until
 * it is removed, {@code die} and {@code create} events go to every open stream.
 *
 * <p>Each balancer process gets its own {@link #connect() connection}. {@link Connection#dieAfter} lets that process
 * make a number of changes and then kills it: the change it attempts next does not happen, nor does any later call
 * of that process; its event streams end. That is a balancer killed between any two of its Docker calls (issue 12.1).
 * {@link Connection#pauseAfter} instead holds every change the process attempts after its n-th, as calls in flight
 * when a SIGTERM arrives, while the graceful stop's own calls go through once {@link Connection#openGate} is called;
 * the held calls then either never reach Docker ({@link Connection#die}) or do, late ({@link Connection#resume}).
 * The spare claim (an HTTP call to the spare, which writes its claim file) counts as a change too.
 */
final class InMemoryDocker {

    static final String POOL = "t";

    /** A container as Docker holds it. Guarded by the enclosing instance. */
    static final class Box {
        final String id;
        String name;
        boolean running;
        final Map<String, String> labels;
        final ReplicaSpec spec;
        String claim;
        final String address;
        Integer exitCode;

        Box(String id, String name, Map<String, String> labels, ReplicaSpec spec, String address) {
            this.id = id;
            this.name = name;
            this.labels = Map.copyOf(labels);
            this.spec = spec;
            this.address = address;
        }

        boolean unclaimedSpare() {
            return DockerContainers.isSpare(labels) && claim == null;
        }

        /** The replica identity it carries: its labels, or its claim for a claimed spare; null for a free spare. */
        ReplicaSpec identity() {
            if (DockerContainers.isSpare(labels)) {
                return claim == null ? null : ClaimFields.specOf(ClaimFields.decode(claim));
            }
            return spec;
        }

        @Override
        public String toString() {
            return name + (running ? "" : " (stopped)") + (claim != null ? " claimed" : "");
        }
    }

    /** The in-memory containers serve no HTTP: a container is ready as soon as it runs. */
    static final ReadinessProbe READY_WHILE_RUNNING = new ReadinessProbe(Duration.ofSeconds(2)) {
        @Override
        public void awaitReady(String baseUri, java.util.function.BooleanSupplier stillAlive, Duration limit)
                throws ReplicaStartException {
            if (!stillAlive.getAsBoolean()) {
                throw new ReplicaStartException("exited before answering /heartbeat");
            }
        }
    };

    /** The real Docker runtime of a balancer process on {@code connection}, with {@code spares} warm spares. */
    static DockerRuntime runtime(Connection connection, int spares, java.nio.file.Path record) {
        return new DockerRuntime(connection, "lb-server", spares, READY_WHILE_RUNNING, new PoolRecord(record));
    }

    private final Map<String, Box> containers = new LinkedHashMap<>();
    private final List<String> changes = new ArrayList<>();
    private final ExecutorService eventThread = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "in-memory-docker-events");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private int nextId = 1;
    /** The replica image is gone ({@code docker rmi}): creates fail with 404. Guarded by this. */
    private boolean imageMissing;

    /** {@code docker rmi} of the replica image: every create fails with a 404 until {@link #restoreImage}. */
    synchronized void removeImage() {
        imageMissing = true;
    }

    /** {@code docker tag} / {@code load} of the image named {@code image}: creates work again, an image event goes out. */
    void restoreImage(String image) {
        synchronized (this) {
            imageMissing = false;
        }
        PoolContainers.Event event = new PoolContainers.Event("tag", "sha256:" + "ab".repeat(32),
                Map.of("name", image));
        for (Connection connection : connections) {
            eventThread.execute(() -> connection.deliverImage(event));
        }
    }

    /** A new balancer process's connection. */
    Connection connect() {
        Connection connection = new Connection();
        connections.add(connection);
        return connection;
    }

    /** {@code docker kill} of a replica or spare, behind the balancer's back. */
    void kill(String name) {
        Box box;
        synchronized (this) {
            box = holderOf(name).filter(b -> b.running).orElseThrow(() -> new AssertionError("nothing runs as " + name));
            box.running = false;
            box.exitCode = 137;
        }
        emit("die", box);
    }

    /** A container not of this pool (another owner's), holding {@code name}. */
    synchronized void addForeign(String name) {
        Box box = new Box(newId(), name, Map.of("owner", "someone-else"), null, "10.99.0.1");
        box.running = true;
        containers.put(box.id, box);
    }

    synchronized List<Box> all() {
        return List.copyOf(containers.values());
    }

    /** Every change made, in order, by any process (for failure messages). */
    synchronized List<String> changes() {
        return List.copyOf(changes);
    }

    void close() {
        eventThread.shutdownNow();
    }

    private Optional<Box> holderOf(String name) {
        return containers.values().stream().filter(b -> b.name.equals(name)).findFirst();
    }

    private String newId() {
        // 64 hex digits like Docker's, unique in the first 12 (the short id in names such as Server2-dead-<id>).
        return "%012x".formatted(0xc0ffee000L + nextId++) + "0".repeat(52);
    }

    private void emit(String action, Box box) {
        Map<String, String> attributes = new LinkedHashMap<>(box.labels);
        attributes.put("name", box.name);
        PoolContainers.Event event = new PoolContainers.Event(action, box.id, attributes);
        boolean ours = ReplicaLabels.isPool(box.labels, POOL);
        for (Connection connection : connections) {
            if (ours) {
                eventThread.execute(() -> connection.deliver(event));
            }
        }
    }

    /** One balancer process's view of Docker. */
    final class Connection implements PoolContainers {

        private final List<Consumer<Event>> streams = new CopyOnWriteArrayList<>();
        private final List<Consumer<Event>> imageStreams = new CopyOnWriteArrayList<>();
        private volatile boolean dead;
        /** Changes this process may still make before it is killed. Guarded by the enclosing instance. */
        private int changesLeft = Integer.MAX_VALUE;
        /** Changes made before calls are held; -1 for never. Guarded by the enclosing instance. */
        private int pauseAfter = -1;
        private int made;
        private int held;
        private boolean gateOpen;
        private boolean resumed;

        /** After {@code n} more changes, every mutating call blocks until {@link #resume} or {@link #die}. */
        void pauseAfter(int n) {
            synchronized (InMemoryDocker.this) {
                pauseAfter = made + n;
            }
        }

        /** Whether a call is held now. */
        boolean holding() {
            synchronized (InMemoryDocker.this) {
                return held > 0;
            }
        }

        /** Calls made from now on go through (the graceful stop's); the held ones stay held. */
        void openGate() {
            synchronized (InMemoryDocker.this) {
                gateOpen = true;
            }
        }

        /** The held calls go on (they reach Docker late, after the graceful stop). */
        void resume() {
            synchronized (InMemoryDocker.this) {
                resumed = true;
                InMemoryDocker.this.notifyAll();
            }
        }

        /** Outside any lock, before a mutating call: holds it while this process is paused. */
        private void gate() {
            synchronized (InMemoryDocker.this) {
                if (pauseAfter < 0 || made < pauseAfter || gateOpen) {
                    return;
                }
                held++;
                try {
                    while (!resumed && !dead) {
                        InMemoryDocker.this.wait();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    held--;
                }
                alive();
            }
        }

        /** This process makes {@code n} more changes, then is killed at its next one. */
        void dieAfter(int n) {
            synchronized (InMemoryDocker.this) {
                changesLeft = n;
            }
        }

        /** Kills this process now (if it is not dead already); held calls never reach Docker. */
        void die() {
            synchronized (InMemoryDocker.this) {
                dead = true;
                InMemoryDocker.this.notifyAll();
            }
            streams.clear();
        }

        boolean dead() {
            return dead;
        }

        private void deliverImage(Event event) {
            if (!dead) {
                imageStreams.forEach(stream -> stream.accept(event));
            }
        }

        private void deliver(Event event) {
            if (!dead) {
                streams.forEach(stream -> stream.accept(event));
            }
        }

        /** Guarded by the enclosing instance: fails once this process is dead. */
        private void alive() {
            if (dead) {
                throw new IllegalStateException("the balancer process was killed");
            }
        }

        /** Guarded by the enclosing instance: the change happens only if the process survives to make it. */
        private void change(String what) {
            alive();
            if (changesLeft == 0) {
                dead = true;
                streams.clear();
                throw new IllegalStateException("the balancer process was killed before: " + what);
            }
            changesLeft--;
            made++;
            changes.add(what);
        }

        private Box find(String id) {
            Box box = containers.get(id);
            if (box == null) {
                throw new NotFoundException("No such container: " + id);
            }
            return box;
        }

        private void requireFree(String name, String except) {
            Optional<Box> holder = holderOf(name);
            if (holder.isPresent() && !holder.get().id.equals(except)) {
                throw new ConflictException("Conflict. The container name \"/" + name + "\" is already in use by "
                        + "container \"" + holder.get().id + "\"");
            }
        }

        @Override
        public void ping() {
            synchronized (InMemoryDocker.this) {
                alive();
            }
        }

        @Override
        public void ensureNetwork() {
            ping();
        }

        @Override
        public String createAndStart(ReplicaSpec spec, String callToken) {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put(ReplicaLabels.MANAGED_BY, ReplicaLabels.MANAGED_BY_VALUE);
            labels.put(ReplicaLabels.POOL, POOL);
            labels.put(ReplicaLabels.HOSTNAME, spec.name());
            labels.put(ReplicaLabels.SERVER_ID, String.valueOf(spec.id()));
            labels.put(ReplicaLabels.REGION, spec.region());
            labels.put(DockerContainers.CALL, callToken);
            return createAndStart(spec.name(), labels, spec);
        }

        @Override
        public String createAndStartSpare(String name, String callToken) {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put(ReplicaLabels.MANAGED_BY, ReplicaLabels.MANAGED_BY_VALUE);
            labels.put(ReplicaLabels.POOL, POOL);
            labels.put(DockerContainers.ROLE, DockerContainers.ROLE_SPARE);
            labels.put(DockerContainers.CALL, callToken);
            return createAndStart(name, labels, null);
        }

        private String createAndStart(String name, Map<String, String> labels, ReplicaSpec spec) {
            Box box;
            gate();
            synchronized (InMemoryDocker.this) {
                alive();
                if (imageMissing) {
                    throw new NotFoundException("No such image: lb-server:latest");
                }
                requireFree(name, null);
                change("create " + name);
                box = new Box(newId(), name, labels, spec, "10.77.0." + nextId);
                containers.put(box.id, box);
            }
            emit("create", box);
            gate();
            synchronized (InMemoryDocker.this) {
                if (!containers.containsKey(box.id)) {
                    throw new NotFoundException("No such container: " + box.id);
                }
                change("start " + name);
                box.running = true;
            }
            return box.id;
        }

        @Override
        public void claim(String containerId, String address, ReplicaSpec spec, Duration timeout) throws IOException {
            gate();
            synchronized (InMemoryDocker.this) {
                alive();
                Box box = containers.get(containerId);
                if (box == null || !box.running) {
                    throw new IOException("connection refused: spare " + containerId + " does not run");
                }
                change("claim " + box.name + " as " + spec.name());
                box.claim = ClaimFields.encode(spec);
            }
        }

        @Override
        public Map<String, String> readClaim(String containerId) {
            synchronized (InMemoryDocker.this) {
                alive();
                String claim = find(containerId).claim;
                return claim == null ? null : ClaimFields.decode(claim);
            }
        }

        @Override
        public boolean isRunning(String containerId) {
            synchronized (InMemoryDocker.this) {
                alive();
                Box box = containers.get(containerId);
                return box != null && box.running;
            }
        }

        @Override
        public String addressOfStarted(String containerId) throws ReplicaStartException {
            String address = addressOf(containerId);
            if (address == null) {
                throw new ReplicaStartException("has no address on the pool's network");
            }
            return address;
        }

        @Override
        public String addressOf(String containerId) {
            synchronized (InMemoryDocker.this) {
                alive();
                Box box = find(containerId);
                return box.running ? box.address : null;
            }
        }

        @Override
        public ReplicaSpec specOf(String containerId) {
            synchronized (InMemoryDocker.this) {
                alive();
                return find(containerId).spec;
            }
        }

        @Override
        public List<Listed> listAll() {
            synchronized (InMemoryDocker.this) {
                alive();
                return containers.values().stream().map(Connection::listed).toList();
            }
        }

        @Override
        public List<Listed> listPool() {
            return listAll().stream().filter(this::isOurs).toList();
        }

        @Override
        public Optional<Listed> byName(String name) {
            synchronized (InMemoryDocker.this) {
                alive();
                return holderOf(name).map(Connection::listed);
            }
        }

        private static Listed listed(Box box) {
            return new Listed(box.id, box.name, box.running, box.labels);
        }

        @Override
        public boolean isOurs(Listed container) {
            return ReplicaLabels.isPool(container.labels(), POOL);
        }

        @Override
        public void rename(String containerId, String newName) {
            gate();
            synchronized (InMemoryDocker.this) {
                alive();
                Box box = find(containerId);
                requireFree(newName, containerId);
                change("rename " + box.name + " to " + newName);
                box.name = newName;
            }
        }

        @Override
        public void stop(String containerId, int graceSeconds) {
            Box box;
            gate();
            synchronized (InMemoryDocker.this) {
                alive();
                box = containers.get(containerId);
                if (box == null || !box.running) {
                    return;
                }
                change("stop " + box.name);
                box.running = false;
                box.exitCode = 143;
            }
            emit("die", box);
        }

        @Override
        public void remove(String containerId) {
            Box box;
            boolean wasRunning;
            gate();
            synchronized (InMemoryDocker.this) {
                alive();
                box = containers.get(containerId);
                if (box == null) {
                    return;
                }
                change("remove " + box.name);
                containers.remove(containerId);
                wasRunning = box.running;
                box.running = false;
            }
            if (wasRunning) {
                emit("die", box);
            }
        }

        @Override
        public Death deathOf(String containerId, int lines) {
            synchronized (InMemoryDocker.this) {
                alive();
                Box box = containers.get(containerId);
                if (box == null) {
                    return Death.UNKNOWN;
                }
                return new Death(box.running ? null : box.exitCode, false, List.of(box.name + " exited"));
            }
        }

        @Override
        public Closeable streamPoolEvents(long sinceEpochSeconds, List<String> actions, Consumer<Event> onEvent,
                Runnable onEnd) {
            synchronized (InMemoryDocker.this) {
                alive();
            }
            Consumer<Event> stream = event -> {
                if (actions.contains(event.action())) {
                    onEvent.accept(event);
                }
            };
            streams.add(stream);
            return () -> streams.remove(stream);
        }

        @Override
        public Closeable streamImageEvents(long sinceEpochSeconds, Consumer<Event> onEvent, Runnable onEnd) {
            synchronized (InMemoryDocker.this) {
                alive();
            }
            imageStreams.add(onEvent);
            return () -> imageStreams.remove(onEvent);
        }

        @Override
        public String pool() {
            return POOL;
        }

        @Override
        public void close() {}
    }
}
