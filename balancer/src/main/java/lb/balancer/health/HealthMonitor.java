package lb.balancer.health;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import lb.balancer.config.BalancerConfig.HealthSettings;
import lb.balancer.membership.ReplicaPool;
import lb.balancer.replica.ForwardListener;
import lb.balancer.replica.Replica;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches replicas two ways and tells the pool.
 *
 * <ul>
 *   <li><b>Active:</b> every {@code interval}, {@code GET /heartbeat} to each watched replica with a
 *       {@code timeout}. The first failure makes it suspect (out of the ring at once); {@code failures} in a row make
 *       it dead (replaced); a good answer clears a suspect. A hung replica (e.g. {@code docker pause}) fails by
 *       timeout like a dead one.</li>
 *   <li><b>Passive:</b> as the data path's {@link ForwardListener}, a connection failure or timeout while forwarding
 *       makes the replica suspect at once, without waiting for the next heartbeat, unless the replica answered
 *       another request while that attempt was failing ({@link #readLastAnswersFrom}).</li>
 * </ul>
 *
 * <p><b>A failed forward to a replica that is answering is not a sign of death</b> (Envoy's outlier detection counts
 * consecutive failures only, for the same reason). Under a burst a replica's accept queue fills up: new connections
 * to it are not accepted until the first SYN's retransmission, about 1 s later, so a connect times out while the
 * replica is busy answering the requests it already has. Taking it out of the ring for that would also cost it the
 * heartbeats' busy excusal (an out-of-ring replica gets no new requests whose answers could show it is alive), and two
 * late heartbeats would then declare dead a replica that only was busy. A hung or dead replica answers nothing, so
 * its failures still make it suspect at once; a refused connection fails within microseconds, a window in which an
 * answer elsewhere is unlikely, and a later failure is judged again.
 *
 * <p>Heartbeats alone never declare dead a replica whose loss would leave fewer than half of the pool healthy, until
 * that has lasted {@link #MAJORITY_GRACE}: when most replicas fail at once (or the last ones standing fail while others
 * are being replaced) the likelier cause is this balancer, starved of CPU or cut off, and replacing healthy replicas
 * would turn a hiccup into an outage (the pool's ejection limit, {@code LB_MAX_EJECTION_PERCENT}, also keeps most of
 * the pool in the ring). They stay suspect meanwhile (and the pool still routes to suspects when no
 * replica is healthy). Real deaths do not wait: the runtime reports them (Docker events, process exits).
 *
 * <p><b>Busy is not dead.</b> A heartbeat that times out while the replica went on answering the data path (its
 * answer count, {@link #readAnswersFrom}, moved between sending the heartbeat and its timeout) is late because the
 * replica is busy, or because this balancer is starved of CPU, not because it is gone: it counts as neither a
 * failure nor a success, and the replica stays in the ring. A hung replica answers nothing, so its heartbeats still
 * fail; a refused connection or a non-200 answer is never excused.
 *
 * <p>Dead replicas the runtime cannot replace (fixed backends) are still probed; {@link #RISE} good heartbeats in a
 * row bring one back.
 *
 * <p>At most one heartbeat per replica is in flight, so a hung replica does not pile up probes. Listener calls come
 * from the data path's event loops: they only hand the work to this monitor's thread.
 */
public final class HealthMonitor implements ForwardListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);
    static final Duration MAJORITY_GRACE = Duration.ofSeconds(5);
    /**
     * Good heartbeats in a row that bring back a dead replica the runtime cannot replace (a fixed backend; HAProxy's
     * {@code rise}).
     */
    static final int RISE = 2;

    private final ReplicaPool pool;
    private final HealthSettings settings;
    private final HeartbeatProber prober = new HeartbeatProber();
    private final HeartbeatListener heartbeats;
    private final ScheduledExecutorService scheduler;
    private final Map<Replica, Integer> failures = new ConcurrentHashMap<>();
    private final Set<Replica> probing = ConcurrentHashMap.newKeySet();
    /** Good heartbeats in a row of dead fixed backends. */
    private final Map<Replica, Integer> rises = new ConcurrentHashMap<>();
    /** Since when most replicas have been failing at once; -1 when they are not. Monitor thread only. */
    private long majorityFailingSince = -1;
    /** Answers each replica gave the data path so far; none known until {@link #readAnswersFrom}. */
    private volatile ToLongFunction<Replica> answers = replica -> 0;
    /** When each replica last answered the data path; none known until {@link #readLastAnswersFrom}. */
    private volatile ToLongFunction<Replica> lastAnswers = replica -> Long.MIN_VALUE;

    public HealthMonitor(ReplicaPool pool, HealthSettings settings) {
        this(pool, settings, HeartbeatListener.NONE);
    }

    /** @param heartbeats told the result of every heartbeat ({@code /status}, metrics) */
    public HealthMonitor(ReplicaPool pool, HealthSettings settings, HeartbeatListener heartbeats) {
        this.pool = pool;
        this.settings = settings;
        this.heartbeats = heartbeats;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "health");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Where to read how many answers each replica has given the data path (e.g. {@code FrontDoor::answeredBy}): the
     * evidence that a replica with late heartbeats is busy (see the class comment). Any thread, any time.
     */
    public void readAnswersFrom(ToLongFunction<Replica> answers) {
        this.answers = java.util.Objects.requireNonNull(answers, "answers");
    }

    /**
     * Where to read when each replica last answered the data path, in {@link System#nanoTime} nanoseconds,
     * {@link Long#MIN_VALUE} before its first answer (e.g. {@code FrontDoor::lastAnswerNanos}): the evidence that a
     * failed forward hit a busy replica, not a dead one (see the class comment). Any thread, any time.
     */
    public void readLastAnswersFrom(ToLongFunction<Replica> lastAnswers) {
        this.lastAnswers = java.util.Objects.requireNonNull(lastAnswers, "lastAnswers");
    }

    public void start() {
        long interval = settings.interval().toNanos();
        scheduler.scheduleWithFixedDelay(this::probeAll, interval, interval, TimeUnit.NANOSECONDS);
        log.info("health checks every {} ms, timeout {} ms, dead after {} failures",
                settings.interval().toMillis(), settings.timeout().toMillis(), settings.failures());
    }

    private void probeAll() {
        for (Replica replica : pool.watched()) {
            if (probing.add(replica)) {
                probe(replica);
            }
        }
        Set<Replica> watched = Set.copyOf(pool.watched());
        failures.keySet().retainAll(watched);
        rises.keySet().retainAll(watched);
        prober.retain(watched);
    }

    private void probe(Replica replica) {
        java.time.Instant sent = java.time.Instant.now();
        long start = System.nanoTime();
        long answeredBefore = answers.applyAsLong(replica);
        prober.probe(replica, settings.timeout().toNanos(), answer -> {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            probing.remove(replica);
            boolean healthy = answer.ok();
            long answeredMeanwhile = answers.applyAsLong(replica) - answeredBefore;
            boolean busy = !healthy && answer.timedOut() && answeredMeanwhile > 0;
            String result = answer.describe();
            Heartbeat beat = new Heartbeat(sent, healthy,
                    busy ? result + " (busy: " + answeredMeanwhile + " answers meanwhile)" : result, took);
            scheduler.execute(() -> {
                heartbeats.heartbeat(replica, beat);
                if (busy) {
                    log.debug("heartbeat of {} late but it is serving: {}", replica.name(), beat.result());
                } else {
                    record(replica, healthy, beat.result());
                }
            });
        });
    }

    /** @param detail what the heartbeat said ({@link Heartbeat#result()}), for the causes it gives */
    private void record(Replica replica, boolean healthy, String detail) {
        if (healthy) {
            if (pool.isDown(replica)) {
                int answered = rises.merge(replica, 1, Integer::sum);
                if (answered >= RISE) {
                    rises.remove(replica);
                    pool.markReturned(replica, answered + " heartbeats in a row answered");
                }
                return;
            }
            if (failures.remove(replica) != null) {
                pool.clearSuspect(replica);
            }
            return;
        }
        rises.remove(replica);
        if (pool.isDown(replica)) {
            return; // a dead fixed backend, probed until it returns
        }
        int count = failures.merge(replica, 1, Integer::sum);
        log.debug("heartbeat of {} failed ({}), {} in a row", replica.name(), detail, count);
        pool.markSuspect(replica, "heartbeat " + detail); // a no-op when it already is
        if (count >= settings.failures() && !holdBackBecauseMostFail()) {
            failures.remove(replica);
            pool.markDown(replica, "heartbeat " + detail + " x" + count); // e.g. "heartbeat timeout x2"
        }
    }

    /** Whether to keep a replica that failed enough heartbeats suspect instead of dead (see the class comment). */
    private boolean holdBackBecauseMostFail() {
        int size = pool.names().size();
        // Healthy: in the ring and not failing heartbeats (the ejection limit may keep failing replicas in the ring).
        int healthyAfter = (int) pool.members().stream()
                .filter(m -> m.health() == lb.balancer.membership.Member.Health.UP && m.replica() != null)
                .filter(m -> failures.getOrDefault(m.replica(), 0) == 0).count();
        boolean mostFail = size >= 2 && healthyAfter * 2 < size;
        if (!mostFail) {
            majorityFailingSince = -1;
            return false;
        }
        long now = System.nanoTime();
        if (majorityFailingSince < 0) {
            majorityFailingSince = now;
            log.warn("heartbeats fail while only {} of {} replicas are healthy: more likely this balancer is starved or "
                    + "cut off; replacing none on heartbeats for {} s unless the runtime reports a death",
                    healthyAfter, size, MAJORITY_GRACE.toSeconds());
        }
        return now - majorityFailingSince < MAJORITY_GRACE.toNanos();
    }

    @Override
    public void started(Replica replica) {
        // nothing to do: only failures matter for health
    }

    @Override
    public void finished(Replica replica, long nanos, Outcome outcome) {
        if (outcome != Outcome.RESPONDED) {
            // Read here, on the loop thread: the evidence is about the attempt's own window, not the health thread's.
            long lastAnswer = lastAnswers.applyAsLong(replica);
            boolean servingMeanwhile = answeredDuring(lastAnswer, System.nanoTime() - nanos);
            scheduler.execute(() -> {
                if (servingMeanwhile) {
                    log.debug("{} of {} excused: it answered other requests meanwhile", whileForwarding(outcome),
                            replica.name());
                    return;
                }
                failures.putIfAbsent(replica, 0); // a good heartbeat then clears the suspicion
                pool.markSuspect(replica, whileForwarding(outcome));
            });
        }
    }

    /** Whether an answer at {@code lastAnswer} ({@link Long#MIN_VALUE}: none yet) came after {@code since}. */
    static boolean answeredDuring(long lastAnswer, long since) {
        return lastAnswer != Long.MIN_VALUE && lastAnswer - since > 0;
    }

    /** The cause a failed forward gives, e.g. {@code "connect failed while forwarding"}. */
    static String whileForwarding(Outcome outcome) {
        return switch (outcome) {
            case CONNECT_FAILED -> "connect failed while forwarding";
            case RESET -> "connection reset while forwarding";
            case BAD_RESPONSE -> "bad response while forwarding";
            case TIMED_OUT -> "timeout while forwarding";
            case RESPONDED -> "answered"; // never a cause: only failures get here
        };
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        prober.close();
    }
}
