package lb.analysis.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.HdrHistogram.Histogram;

/**
 * One event loop's share of a run: the requests at {@code indices} of the workload over its own connections. All
 * of its state is touched only by its loop's thread (no locks); the outcomes array is shared, but each index belongs
 * to one shard, and the caller reads it only after every shard's {@link #done} completed.
 *
 * <p>{@link #connect} opens the connections; {@link #begin} starts the clock (the same instant for every shard, so
 * connection set-up is not measured and the open loop's schedule is one schedule). Then the closed loop hands each
 * free slot the next request, and the open loop sends request {@code i} at {@code i / rate} seconds on a free slot,
 * queueing it (its latency running) while none is free.
 */
final class Run {

    /** What a shard hands back: its latencies, what it gave up, when its last answer came. */
    record Shard(Histogram latencyMicros, int unsent, long lastEnd) {}

    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final LoadGenerator generator;
    private final EventLoop loop;
    private final List<LoadRequest> workload;
    private final int[] indices;
    private final LoadPlan plan;
    private final IntConsumer progress;
    private final Outcome[] outcomes;
    private final Histogram latencyMicros = new Histogram(LoadResult.HIGHEST_MICROS, 3);
    private final List<Slot> slots = new ArrayList<>();
    private final ArrayDeque<Slot> idle = new ArrayDeque<>();
    /** Open loop: positions (in {@link #indices}) of requests due while no slot was free, oldest first. */
    private final ArrayDeque<Integer> backlog = new ArrayDeque<>();
    private final CompletableFuture<Shard> done = new CompletableFuture<>();
    private final long timeoutNanos;
    private final double nanosPerRequest;
    private long start;
    private int next;
    private int ended;
    private int unsent;
    private long lastEnd;
    private ScheduledFuture<?> sweep;
    private ScheduledFuture<?> tick;

    /**
     * @param connections this shard's connections
     * @param indices     the workload positions this shard sends, ascending
     */
    Run(LoadGenerator generator, EventLoop loop, List<LoadRequest> workload, int[] indices, int connections,
        LoadPlan plan, Outcome[] outcomes, IntConsumer progress) {
        this.generator = generator;
        this.loop = loop;
        this.workload = workload;
        this.indices = indices;
        this.plan = plan.withConcurrency(connections);
        this.progress = progress;
        this.outcomes = outcomes;
        this.timeoutNanos = plan.timeout().toNanos();
        this.nanosPerRequest = plan.openLoop() ? 1e9 / plan.rate() : 0;
    }

    CompletableFuture<Shard> done() {
        return done;
    }

    Bootstrap bootstrap(Slot slot) {
        return generator.bootstrap(slot, loop, (int) Math.min(Integer.MAX_VALUE, plan.timeout().toMillis()));
    }

    String hostHeader() {
        return generator.hostHeader();
    }

    /** Nanoseconds since the run's clock started. */
    long now() {
        return System.nanoTime() - start;
    }

    /** Opens this shard's connections; the future completes when each is open or failed. */
    CompletableFuture<Void> connect() {
        CompletableFuture<Void> connected = new CompletableFuture<>();
        loop.execute(() -> {
            int connections = Math.min(plan.concurrency(), indices.length);
            if (connections == 0) {
                connected.complete(null);
                return;
            }
            int[] pending = {connections};
            for (int i = 0; i < connections; i++) {
                Slot slot = new Slot(this);
                slots.add(slot);
                slot.preconnect(() -> {
                    if (--pending[0] == 0) {
                        connected.complete(null);
                    }
                });
            }
        });
        return connected;
    }

    /** Starts sending, with {@code startNanos} ({@link System#nanoTime()}) as time zero. */
    void begin(long startNanos) {
        loop.execute(() -> {
            start = startNanos;
            if (indices.length == 0) {
                finish();
                return;
            }
            sweep = loop.scheduleAtFixedRate(this::sweep, SWEEP_NANOS, SWEEP_NANOS, TimeUnit.NANOSECONDS);
            if (plan.openLoop()) {
                idle.addAll(slots);
                dispatchDue();
            } else {
                List.copyOf(slots).forEach(this::free);
            }
        });
    }

    /** Open loop: sends (or queues) every request due by now, then wakes up when the next one is due. */
    private void dispatchDue() {
        long now = now();
        while (next < indices.length && due(next) <= now) {
            int position = next++;
            Slot slot = idle.poll();
            if (slot != null) {
                send(slot, position);
            } else {
                backlog.add(position);
            }
        }
        if (next < indices.length) {
            tick = loop.schedule(this::dispatchDue, Math.max(0, due(next) - now()), TimeUnit.NANOSECONDS);
        }
    }

    /** When the request at {@code position} is due: its workload index over the whole run's rate. */
    private long due(int position) {
        return (long) (indices[position] * nanosPerRequest);
    }

    private void send(Slot slot, int position) {
        int index = indices[position];
        slot.send(index, workload.get(index), plan.openLoop() ? due(position) : now());
    }

    /** A slot is free: give it the next request, or park it. */
    private void free(Slot slot) {
        if (plan.openLoop()) {
            expireBacklog(now());
            Integer waiting = backlog.poll();
            if (waiting != null) {
                send(slot, waiting);
            } else {
                idle.add(slot);
            }
        } else if (next < indices.length) {
            send(slot, next++);
        } else {
            slot.close();
        }
    }

    void ended(Slot slot, Outcome outcome) {
        outcomes[outcome.index()] = outcome;
        if (outcome.ok()) {
            latencyMicros.recordValue(Math.min(LoadResult.HIGHEST_MICROS, Math.max(0, outcome.latencyNanos() / 1_000)));
        }
        lastEnd = Math.max(lastEnd, outcome.endNanos());
        ended++;
        progress.accept(outcome.index());
        if (ended + unsent == indices.length) {
            finish();
        } else {
            free(slot);
        }
    }

    /** Times out requests in flight too long and, open loop, gives up queued ones that waited too long. */
    private void sweep() {
        long now = now();
        for (Slot slot : slots) {
            if (slot.busy() && now - slot.intendedNanos() > timeoutNanos) {
                slot.timeOut();
            }
        }
        expireBacklog(now);
        if (!done.isDone() && ended + unsent == indices.length) {
            finish();
        }
    }

    /** Gives up the queued requests that were due more than the timeout ago: they count as unsent. */
    private void expireBacklog(long now) {
        while (!backlog.isEmpty() && now - due(backlog.peek()) > timeoutNanos) {
            int position = backlog.poll();
            unsent++;
            progress.accept(indices[position]);
        }
    }

    void abort() {
        loop.execute(() -> {
            stop();
            done.completeExceptionally(new IllegalStateException("aborted"));
        });
    }

    private void finish() {
        stop();
        done.complete(new Shard(latencyMicros, unsent, lastEnd));
    }

    private void stop() {
        if (sweep != null) {
            sweep.cancel(false);
        }
        if (tick != null) {
            tick.cancel(false);
        }
        slots.forEach(Slot::close);
    }
}
