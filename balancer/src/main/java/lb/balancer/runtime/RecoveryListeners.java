package lb.balancer.runtime;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners a runtime tells about {@link RecoverySignal}s ({@link ReplicaRuntime#watchRecovery}). Thread-safe;
 * a listener that throws is logged and the others are still told.
 */
public final class RecoveryListeners {

    private static final Logger log = LoggerFactory.getLogger(RecoveryListeners.class);

    private final List<Consumer<RecoverySignal>> listeners = new CopyOnWriteArrayList<>();

    public void add(Consumer<RecoverySignal> listener) {
        listeners.add(listener);
    }

    public void signal(RecoverySignal signal) {
        for (Consumer<RecoverySignal> listener : listeners) {
            try {
                listener.accept(signal);
            } catch (RuntimeException e) {
                log.warn("recovery listener failed on {}", signal, e);
            }
        }
    }
}
