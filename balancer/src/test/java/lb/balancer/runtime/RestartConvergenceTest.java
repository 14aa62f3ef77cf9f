package lb.balancer.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import lb.balancer.membership.Member;
import lb.balancer.membership.PoolException;
import lb.balancer.membership.ReplicaPool;
import lb.balancer.replica.ReplicaSpec;
import lb.balancer.routing.ConsistentHashStrategy;
import lb.hashring.RingConfig;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 12.1: the balancer killed at every step of an add, a remove and a replacement, then started again, converges
 * to the pool it was asked for: no replica lost, none duplicated, no container leaked, the same ids (so the same
 * ring).
 *
 * <p>The real {@link DockerRuntime} and {@link ReplicaPool} run over an {@link InMemoryDocker}. A scenario first runs
 * once to completion; then, for every k from 0 to the number of Docker changes it made, it runs again with the
 * balancer killed before its (k+1)-th change (no change of the killed process happens after that instant, as with
 * {@code docker kill}), a new balancer starts on the same Docker, and the test waits until Docker and the new pool
 * agree with what the operation allows: the pool from before, or after, the interrupted operation (the one after,
 * once the operation had answered), and nothing else.
 */
class RestartConvergenceTest {

    private static final List<String> THREE = List.of("Server1", "Server2", "Server3");
    private static final Duration SETTLE = Duration.ofSeconds(10);

    /**
     * The operation the balancer is stopped in, and the pool before and after it. {@code run} starts it on a settled
     * pool of three and says whether it answered that it was done.
     */
    private record Operation(Step run, List<String> before, List<String> after) {}

    private interface Step {
        boolean run(Balancer balancer, InMemoryDocker docker) throws PoolException;
    }

    /** An admin call: done if it answered, not if it failed (the balancer stopped under it). */
    private static Step admin(Step call) {
        return (balancer, docker) -> {
            try {
                return call.run(balancer, docker);
            } catch (PoolException stoppedMidway) {
                return false;
            }
        };
    }

    private static final Operation ADD_S4 = new Operation(admin((balancer, docker) -> {
        balancer.pool.add(1, List.of("S4"));
        return true;
    }), THREE, List.of("Server1", "Server2", "Server3", "S4"));

    private static final Operation REMOVE_SERVER3 = new Operation(admin((balancer, docker) -> {
        balancer.pool.remove(1, List.of("Server3"));
        return true;
    }), THREE, List.of("Server1", "Server2"));

    /**
     * {@code docker kill Server2}: the pool replaces it (same name, same id), with no answer to wait for. A
     * replacement never changes the pool: Server2 must come back, whenever the balancer stops.
     */
    private static final Operation REPLACE_SERVER2 = new Operation((balancer, docker) -> {
        docker.kill("Server2");
        return false;
    }, THREE, THREE);

    @TempDir
    Path records;

    @ParameterizedTest(name = "spares={0}")
    @ValueSource(ints = {0, 1})
    void aBalancerKilledAtAnyStepOfAnAddConvergesWithoutLossOrLeak(int spares) throws Exception {
        killAtEveryStep(ADD_S4, spares);
    }

    @ParameterizedTest(name = "spares={0}")
    @ValueSource(ints = {0, 1})
    void aBalancerKilledAtAnyStepOfARemoveConvergesWithoutLossOrLeak(int spares) throws Exception {
        killAtEveryStep(REMOVE_SERVER3, spares);
    }

    @ParameterizedTest(name = "spares={0}")
    @ValueSource(ints = {0, 1})
    void aBalancerKilledAtAnyStepOfAReplacementStartsTheReplicaAgainWithItsId(int spares) throws Exception {
        killAtEveryStep(REPLACE_SERVER2, spares);
    }

    @ParameterizedTest(name = "{0}, spares={1}, held calls reach Docker late: {2}")
    @CsvSource({"add,0,false", "add,0,true", "add,1,false", "add,1,true", "remove,0,false", "remove,0,true",
            "remove,1,false", "remove,1,true", "replace,0,false", "replace,0,true", "replace,1,false",
            "replace,1,true"})
    void aBalancerStoppedGracefullyAtAnyStepConvergesWithoutLossOrLeak(String operation, int spares, boolean late)
            throws Exception {
        stopGracefullyAtEveryStep(switch (operation) {
            case "add" -> ADD_S4;
            case "remove" -> REMOVE_SERVER3;
            default -> REPLACE_SERVER2;
        }, spares, late);
    }

    /**
     * As {@link #killAtEveryStep}, but a SIGTERM ({@code docker restart}, {@code docker-compose down}): the calls in
     * flight at that instant are held while the graceful stop runs (it records the pool and removes its containers),
     * then they never reach Docker or, with {@code late}, reach it after the stop; a new balancer starts from the
     * record.
     */
    private void stopGracefullyAtEveryStep(Operation operation, int spares, boolean late) throws Exception {
        List<String> tally = new ArrayList<>();
        for (int k = 0; ; k++) {
            InMemoryDocker docker = new InMemoryDocker();
            Path record = records.resolve(k + "-" + late + ".record");
            try {
                Balancer first = Balancer.start(docker, spares, record);
                await(() -> settled(first, docker, THREE), "first balancer settled", docker);
                int changesBefore = docker.changes().size();
                first.connection.pauseAfter(k);

                CompletableFuture<Boolean> answer = CompletableFuture.supplyAsync(() -> {
                    try {
                        return operation.run().run(first, docker);
                    } catch (PoolException e) {
                        return false; // admin steps catch their own
                    }
                });
                await(() -> first.connection.holding()
                        || answer.isDone() && settled(first, docker, operation.after()), "held or done", docker);
                boolean held = first.connection.holding();
                List<String> stepsMade = List.copyOf(docker.changes().subList(changesBefore, docker.changes().size()));
                first.connection.openGate();
                first.pool.close(); // SIGTERM: the pool recorded, its containers removed
                if (late) {
                    first.connection.resume();
                    await(() -> !first.connection.holding(), "held calls resumed", docker);
                    Thread.sleep(100);
                }
                first.connection.die();
                boolean answered = answer.get(SETTLE.toSeconds(), TimeUnit.SECONDS);

                Balancer second = Balancer.start(docker, spares, record);
                List<List<String>> allowed = answered ? List.of(operation.after())
                        : List.of(operation.before(), operation.after());
                await(() -> allowed.stream().anyMatch(pool -> settled(second, docker, pool)),
                        "after a graceful stop with calls held after change " + k + " (made: " + stepsMade
                                + "), the new balancer and Docker agree on one of " + allowed, docker);
                tally.add("stopped after " + stepsMade + ": " + second.pool.names());
                second.pool.close();
                if (!held) {
                    assertTrue(k >= 2, "the operation made " + k + " changes: " + stepsMade);
                    System.out.println("[restart-convergence] graceful, " + operation.after() + " spares=" + spares
                            + " late=" + late + ": " + (k + 1) + " stop points, all converged:\n  "
                            + String.join("\n  ", tally));
                    return;
                }
            } finally {
                docker.close();
            }
        }
    }

    private void killAtEveryStep(Operation operation, int spares) throws Exception {
        List<String> tally = new ArrayList<>();
        for (int k = 0; ; k++) {
            InMemoryDocker docker = new InMemoryDocker();
            try {
                Balancer first = Balancer.start(docker, spares, records.resolve(k + "-first.record"));
                await(() -> settled(first, docker, THREE), "first balancer settled", docker);
                int changesBefore = docker.changes().size();
                first.connection.dieAfter(k);

                boolean answered = operation.run().run(first, docker);
                // Whatever the operation set going in the background (a spare to replenish, remains to remove) is
                // part of it: a kill may land there too.
                boolean completed = awaitOrDeath(first, () -> settled(first, docker, operation.after()));
                boolean killed = first.connection.dead();
                List<String> stepsMade = docker.changes().subList(changesBefore, docker.changes().size());
                first.connection.die();
                first.pool.close(); // its threads end; a killed process's calls all fail, so this changes nothing
                if (!killed) {
                    assertTrue(completed, "the operation completed without being killed");
                    assertTrue(k >= 2, "the operation made " + k + " changes: " + stepsMade);
                    System.out.println("[restart-convergence] " + operation.after() + " spares=" + spares + ": "
                            + k + " kill points, all converged:\n  " + String.join("\n  ", tally));
                    return;
                }

                Balancer second = Balancer.start(docker, spares, records.resolve(k + "-second.record"));
                List<List<String>> allowed = answered ? List.of(operation.after())
                        : List.of(operation.before(), operation.after());
                await(() -> allowed.stream().anyMatch(pool -> settled(second, docker, pool)),
                        "after a kill before change " + (k + 1) + " (made: " + stepsMade + "), the new balancer "
                                + "and Docker agree on one of " + allowed, docker);
                tally.add("killed before change " + (k + 1) + " (after " + stepsMade + "): " + second.pool.names());
                second.pool.close();
            } finally {
                docker.close();
            }
        }
    }

    /** A balancer process: the pool and its Docker runtime over its own connection to the shared Docker. */
    private record Balancer(InMemoryDocker.Connection connection, ReplicaPool pool, DockerRuntime runtime,
            int spares) {

        static Balancer start(InMemoryDocker docker, int spares, Path record) throws PoolException {
            InMemoryDocker.Connection connection = docker.connect();
            DockerRuntime runtime = InMemoryDocker.runtime(connection, spares, record);
            ReplicaPool pool = new ReplicaPool(runtime, new ConsistentHashStrategy(RingConfig.defaults()), 56,
                    Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(2),
                    ReplicaPool.DEFAULT_MAX_EJECTION_PERCENT);
            pool.bootstrap(3);
            return new Balancer(connection, pool, runtime, spares);
        }
    }

    /**
     * Whether balancer and Docker agree on {@code names}: the pool lists them in order, each up, with its id (1, 2, 3
     * for ServerN, 4 for S4); Docker runs exactly one container per name, carrying that identity, plus the spares
     * asked for, and holds no other container of the pool (no remains, no half-made replica).
     */
    private static boolean settled(Balancer balancer, InMemoryDocker docker, List<String> names) {
        List<Member> members = balancer.pool.members();
        if (!members.stream().map(Member::name).toList().equals(names)
                || members.stream().anyMatch(m -> m.health() != Member.Health.UP || m.replica() == null)) {
            return false;
        }
        Map<String, Integer> wanted = new TreeMap<>();
        names.forEach(name -> wanted.put(name, idOf(name)));
        Map<String, Integer> pool = new TreeMap<>();
        members.forEach(m -> pool.put(m.name(), m.spec().id()));
        Map<String, Integer> running = new TreeMap<>();
        int spares = 0;
        int others = 0;
        for (InMemoryDocker.Box box : docker.all()) {
            ReplicaSpec identity = box.identity();
            if (box.running && box.unclaimedSpare()) {
                spares++;
            } else if (box.running && identity != null && identity.name().equals(box.name)
                    && running.put(box.name, identity.id()) == null) {
                continue;
            } else {
                others++;
            }
        }
        return wanted.equals(pool) && wanted.equals(running) && others == 0
                && spares == balancer.spares() && balancer.runtime.readySpares() == balancer.spares();
    }

    private static int idOf(String name) {
        return name.equals("S4") ? 4 : Integer.parseInt(name.substring("Server".length()));
    }

    private static boolean awaitOrDeath(Balancer balancer, BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + SETTLE.toNanos();
        while (System.nanoTime() < end) {
            if (balancer.connection.dead()) {
                return false;
            }
            if (done.getAsBoolean()) {
                return true;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the replacement neither finished nor was killed within " + SETTLE);
    }

    private static void await(BooleanSupplier condition, String what, InMemoryDocker docker)
            throws InterruptedException {
        long end = System.nanoTime() + SETTLE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                Supplier<String> state = () -> "containers " + docker.all() + "; changes " + docker.changes();
                throw new AssertionError("timed out waiting until " + what + "\n" + state.get());
            }
            Thread.sleep(5);
        }
    }
}
