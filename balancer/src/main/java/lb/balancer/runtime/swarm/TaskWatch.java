package lb.balancer.runtime.swarm;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls Swarm's task list: Swarm has no task events, and container events come only from the node a container runs
 * on, while a manager's task list covers every node. One call per tick lists the pool's live tasks; the runtime
 * compares them with the tasks its replicas run on.
 */
final class TaskWatch implements AutoCloseable {

    /** A killed task shows as failed within about this much more; one small list call per tick on the manager. */
    static final Duration INTERVAL = Duration.ofMillis(200);

    private static final Logger log = LoggerFactory.getLogger(TaskWatch.class);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "swarm-task-watch");
        thread.setDaemon(true);
        return thread;
    });
    private boolean failing;

    /** One look at the tasks; may fail (the daemon is down or slow), the next tick tries again. */
    @FunctionalInterface
    interface Tick {
        void run() throws Exception;
    }

    /** Runs {@code tick} every {@link #INTERVAL}; a failing tick is logged once until ticks succeed again. */
    TaskWatch(Tick tick) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                tick.run();
                if (failing) {
                    log.info("listing Swarm tasks works again");
                    failing = false;
                }
            } catch (Exception e) {
                if (!failing) {
                    log.warn("cannot list Swarm tasks ({}); heartbeats still watch the replicas", e.getMessage());
                    failing = true;
                }
            }
        }, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
