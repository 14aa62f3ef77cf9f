package lb.balancer.runtime;

import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one of Docker's event streams (this pool's containers dying, the replica image appearing), so the
 * balancer knows at once instead of polling. The stream is re-opened whenever it breaks (daemon restart, the HTTP
 * client's read timeout on a quiet stream), from a second before it broke, so no event in between is missed.
 *
 * <p>Thread-safe; events arrive on docker-java's stream thread.
 */
final class DockerEventWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DockerEventWatch.class);
    private static final long REOPEN_DELAY_MILLIS = 500;

    /** Opens the stream from an epoch second; the stream calls the given end hook when it breaks. */
    interface Opener {
        Closeable open(long sinceEpochSeconds, Runnable onEnd);
    }

    private final String what;
    private final Opener opener;
    private final ScheduledExecutorService reopener;
    private Closeable stream;
    private long since;
    private boolean closed;

    DockerEventWatch(String what, Opener opener) {
        this.what = what;
        this.opener = opener;
        this.reopener = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "docker-events-" + what);
            thread.setDaemon(true);
            return thread;
        });
    }

    synchronized DockerEventWatch start() {
        since = System.currentTimeMillis() / 1000 - 1;
        open();
        return this;
    }

    private synchronized void open() {
        if (closed) {
            return;
        }
        try {
            stream = opener.open(since, this::broken);
        } catch (RuntimeException e) {
            log.debug("cannot follow Docker's {} events ({}); retrying", what, e.getMessage());
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
