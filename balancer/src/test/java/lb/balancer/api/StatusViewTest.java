package lb.balancer.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import lb.balancer.membership.PoolEvent;
import lb.balancer.membership.Transition;
import lb.balancer.runtime.Death;
import org.junit.jupiter.api.Test;

class StatusViewTest {

    private static PoolEvent event(Transition transition, String cause, Death death, Duration duration) {
        return new PoolEvent(Instant.EPOCH, "Server2", 2, transition, cause, death, duration);
    }

    @Test
    void summariesSayWhatHappenedInAFewWords() {
        assertEquals("heartbeat timeout x2", StatusView.summary(event(Transition.DEAD, "heartbeat timeout x2", null, null)));
        assertEquals("docker die event, exit 137, OOM-killed", StatusView.summary(event(Transition.DEAD,
                "docker die event", new Death(137, true, List.of("Killed")), null)));
        assertEquals("replaced from spare in 48 ms", StatusView.summary(event(Transition.REPLACED_FROM_SPARE,
                "replacing the dead instance", null, Duration.ofMillis(48))));
        assertEquals("replaced by a cold start in 2100 ms", StatusView.summary(event(Transition.REPLACED_COLD,
                "replacing the dead instance", null, Duration.ofMillis(2_100))));
        assertEquals("replacement failed (image missing): no image, next try in 4000 ms", StatusView.summary(event(
                Transition.BACKOFF, "replacement failed (image missing): no image", null, Duration.ofSeconds(4))));
        assertEquals("connect failed while forwarding; out of the ring until it answers", StatusView.summary(event(
                Transition.SUSPECT, "connect failed while forwarding; out of the ring until it answers", null, null)));
    }
}
