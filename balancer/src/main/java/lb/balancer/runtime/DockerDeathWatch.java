package lb.balancer.runtime;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows Docker's event stream for this pool's containers dying, so a killed replica is known dead within
 * milliseconds instead of after missed heartbeats. The stream is re-opened whenever it breaks (daemon restart, the
 * HTTP client's read timeout on a quiet stream), from a second before it broke, so no death in between is missed.
 *
 * <p>Thread-safe; events arrive on docker-java's stream thread.
 */
final class DockerDeathWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DockerDeathWatch.class);
    private static final long REOPEN_DELAY_MILLIS = 500;

    private final DockerContainers containers;
    private final Consumer<String> onDie;
    private final ScheduledExecutorService reopener = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "docker-death-watch");
        thread.setDaemon(true);
        return thread;
    });
    private ResultCallback.Adapter<Event> stream;
    private long since;
    private boolean closed;

    /** @param onDie told the id of every container of the pool that dies */
    DockerDeathWatch(DockerContainers containers, Consumer<String> onDie) {
        this.containers = containers;
        this.onDie = onDie;
    }

    synchronized void start() {
        since = System.currentTimeMillis() / 1000 - 1;
        open();
    }

    private synchronized void open() {
        if (closed) {
            return;
        }
        try {
            stream = containers.streamDeaths(since, onDie, this::broken);
        } catch (RuntimeException e) {
            log.debug("cannot follow Docker events ({}); retrying", e.getMessage());
            broken();
        }
    }

    private synchronized void broken() {
        if (closed) {
            return;
        }
        since = System.currentTimeMillis() / 1000 - 1;
        reopener.schedule(this::open, REOPEN_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        closed = true;
        reopener.shutdownNow();
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException e) {
                // closing the event stream on shutdown: nothing useful to do
            }
        }
    }
}
