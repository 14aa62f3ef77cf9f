package lb.balancer.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import lb.balancer.membership.PoolEvent;
import lb.balancer.membership.Transition;
import org.junit.jupiter.api.Test;

class PoolHistoryTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        Instant now = T0;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final TestClock clock = new TestClock();
    private final PoolHistory history = new PoolHistory(clock);
    private final List<String> told = new ArrayList<>();

    {
        history.listen(new PoolHistory.Listener() {
            @Override
            public void detected(PoolEvent dead, Duration detection) {
                told.add("detected " + dead.replica() + " " + detection.toMillis());
            }

            @Override
            public void replaced(PoolEvent replacement, Duration took) {
                told.add("replaced " + replacement.replica() + " " + took.toMillis());
            }
        });
    }

    private void at(long millis, String name, Transition transition) {
        at(millis, name, transition, null);
    }

    private void at(long millis, String name, Transition transition, Duration duration) {
        clock.now = T0.plusMillis(millis);
        history.accept(new PoolEvent(clock.now, name, 1, transition, "test", null, duration));
    }

    @Test
    void anOutageFoundByHeartbeatsTimesItsDetectionAndItsReplacement() {
        at(0, "Server1", Transition.JOINED);
        at(1_000, "Server1", Transition.SUSPECT);
        at(1_200, "Server1", Transition.DEAD);
        clock.now = T0.plusMillis(1_500);
        PoolHistory.Story during = history.story("Server1");
        assertEquals(500, during.downtime().toMillis(), "the outage going on counts");
        assertEquals(T0.plusMillis(1_000), during.outSince());
        at(1_248, "Server1", Transition.REPLACED_FROM_SPARE, Duration.ofMillis(48));
        clock.now = T0.plusMillis(9_000);
        PoolHistory.Story after = history.story("Server1");
        assertEquals(248, after.downtime().toMillis());
        assertEquals(1, after.timesReplaced());
        assertNull(after.outSince());
        assertEquals(List.of("detected Server1 200", "replaced Server1 48"), told);
    }

    @Test
    void aDeathTheRuntimeReportsIsDetectedAtOnceAndDowntimeAddsUpOverOutages() {
        at(0, "Server2", Transition.JOINED);
        at(100, "Server2", Transition.DEAD);
        at(400, "Server2", Transition.BACKOFF, Duration.ofSeconds(1)); // waiting changes nothing
        at(1_100, "Server2", Transition.REPLACED_COLD, Duration.ofMillis(1_000));
        at(2_000, "Server2", Transition.SUSPECT);
        at(2_050, "Server2", Transition.CLEARED); // a suspicion that cleared: downtime, no detection
        at(3_000, "Server2", Transition.SUSPECT);
        at(3_010, "Server2", Transition.EJECTION_LIMITED);
        PoolHistory.Story story = history.story("Server2");
        assertEquals(1_000 + 50 + 10, story.downtime().toMillis(), "two outages and 10 ms of the one going on");
        assertEquals(1, story.timesReplaced());
        assertEquals(T0.plusMillis(3_000), story.outSince());
        assertEquals(List.of("detected Server2 0", "replaced Server2 1000"), told);
    }

    @Test
    void aReplicaFoundDeadAtStartUpHasNoDetectionAndANameAddedAgainStartsOver() {
        at(0, "S5", Transition.DEAD); // died while the balancer was away: nobody saw it fail
        at(700, "S5", Transition.REPLACED_COLD, Duration.ofMillis(700));
        assertEquals(List.of("replaced S5 700"), told);
        assertEquals(700, history.story("S5").downtime().toMillis());
        at(800, "S5", Transition.REMOVED);
        assertEquals(PoolHistory.Story.NONE, history.story("S5"));
        at(900, "S5", Transition.JOINED);
        assertEquals(0, history.story("S5").timesReplaced(), "a new replica under an old name");
        assertEquals(Duration.ZERO, history.story("S5").downtime());
    }
}
