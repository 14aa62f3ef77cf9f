package lb.balancer.it;

import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.containers.GenericContainer;

/**
 * The lifecycle every Docker IT's balancer shares, as a JUnit extension ({@code @RegisterExtension}): {@link #start}
 * before the class's tests; after them (after the class's {@code @AfterAll} methods) the balancer's log lines asked
 * for with {@link #printingLogLines}, then {@link #close}, which removes everything the extension made.
 *
 * @param <SELF> the extension's own type, so that {@link #printingLogLines} chains on it
 */
abstract class PoolExtension<SELF extends PoolExtension<SELF>>
        implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    private String logTag;
    private Predicate<String> logLines = line -> false;

    /** Makes the balancer and whatever it needs; on failure, removes what it made and throws. */
    abstract void start() throws Exception;

    /** Whether {@link #start} got far enough that there is a log to print and something to close. */
    abstract boolean started();

    /** Every line the balancer logged so far. */
    abstract Stream<String> balancerLog();

    /** After the tests, prints the balancer's log lines that {@code lines} accepts, tagged {@code [tag]}. */
    @SuppressWarnings("unchecked")
    SELF printingLogLines(String tag, Predicate<String> lines) {
        this.logTag = tag;
        this.logLines = lines;
        return (SELF) this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!started()) {
            return;
        }
        try {
            printLogLines();
        } finally {
            close();
        }
    }

    /** Prints the log lines asked for with {@link #printingLogLines}; nothing if none were. */
    void printLogLines() {
        if (logTag != null) {
            balancerLog().filter(logLines).map(String::strip)
                    .forEach(line -> System.out.println("[" + logTag + "] balancer: " + line));
        }
    }

    /** The log of a balancer container; none before it was created. */
    static Stream<String> logOf(GenericContainer<?> balancer) {
        return balancer != null && balancer.isCreated() ? balancer.getLogs().lines() : Stream.empty();
    }

    @Override
    public abstract void close();
}
