package lb.balancer.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-replica admission gate: a limit in flight, a bounded queue served oldest first, refusals beyond it. */
class ReplicaGateTest {

    private final List<String> granted = new ArrayList<>();

    private ReplicaGate.Waiter waiter(String name) {
        return () -> granted.add(name);
    }

    @Test
    void admitsUpToTheLimitQueuesUpToTheQueueAndRefusesTheRest() {
        ReplicaGate gate = new ReplicaGate(2, 1);

        assertEquals(ReplicaGate.Admission.ENTERED, gate.enter(waiter("a")));
        assertEquals(ReplicaGate.Admission.ENTERED, gate.enter(waiter("b")));
        assertEquals(ReplicaGate.Admission.QUEUED, gate.enter(waiter("c")));
        assertEquals(ReplicaGate.Admission.REFUSED, gate.enter(waiter("d")));
        assertEquals(2, gate.active());
        assertEquals(1, gate.queued());
    }

    @Test
    void aFreedSlotGoesStraightToTheOldestWaiterSoNoNewcomerOvertakes() {
        ReplicaGate gate = new ReplicaGate(1, 3);
        gate.enter(waiter("first"));
        gate.enter(waiter("q1"));
        gate.enter(waiter("q2"));

        gate.leave(true);

        assertEquals(List.of("q1"), granted);
        assertEquals(1, gate.active(), "the slot passed on without becoming free");
        assertEquals(ReplicaGate.Admission.QUEUED, gate.enter(waiter("newcomer")));
        gate.leave(true);
        gate.leave(true);
        assertEquals(List.of("q1", "q2", "newcomer"), granted);
        gate.leave(true);
        assertEquals(0, gate.active());
    }

    @Test
    void aWithdrawnWaiterIsNeverGrantedAndAGrantedOneCannotWithdraw() {
        ReplicaGate gate = new ReplicaGate(1, 2);
        gate.enter(waiter("first"));
        ReplicaGate.Waiter gaveUp = waiter("gave-up");
        ReplicaGate.Waiter stays = waiter("stays");
        gate.enter(gaveUp);
        gate.enter(stays);

        assertTrue(gate.withdraw(gaveUp));
        gate.leave(true);

        assertEquals(List.of("stays"), granted);
        assertFalse(gate.withdraw(stays), "already granted: the caller must pass the slot on");
        assertEquals(0, gate.queued());
    }

    @Test
    void aZeroQueueRefusesAtOnceAtTheLimit() {
        ReplicaGate gate = new ReplicaGate(1, 0);
        gate.enter(waiter("a"));
        assertEquals(ReplicaGate.Admission.REFUSED, gate.enter(waiter("b")));
    }

    private long now;

    /** One in flight, room for 100 waiting, a 1 s queue timeout, on a clock the test moves. */
    private ReplicaGate timedGate() {
        return new ReplicaGate(1, 100, 1_000_000_000L, () -> now);
    }

    private static long ms(long millis) {
        return millis * 1_000_000L;
    }

    @Test
    void refusesAtOnceANewcomerWhoseWaitWouldOutlastTheQueueTimeout() {
        ReplicaGate gate = timedGate();
        gate.enter(waiter("first"));
        List<ReplicaGate.Waiter> waiting = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            ReplicaGate.Waiter w = waiter("w" + i);
            waiting.add(w);
            assertEquals(ReplicaGate.Admission.QUEUED, gate.enter(w), "no rate measured yet: a plain queue");
        }

        now = ms(0);
        gate.leave(true); // w1 gets the slot: the backlog's first departure starts the window
        now = ms(100);
        gate.leave(true); // w2: one departure in 100 ms

        assertEquals(ms(100), gate.nanosPerDeparture());
        assertEquals(10, gate.queued());
        assertEquals(ReplicaGate.Admission.REFUSED_WAIT, gate.enter(waiter("11th")),
                "11 departures of 100 ms each: 1.1 s, beyond the 1 s queue timeout");
        assertTrue(gate.withdraw(waiting.getLast()));
        assertEquals(ReplicaGate.Admission.QUEUED, gate.enter(waiter("10th")), "10 x 100 ms is within the timeout");
    }

    @Test
    void aRateIsMeasuredOverAWholeWindowNotOverABatchOfDepartures() {
        ReplicaGate gate = timedGate();
        gate.enter(waiter("first"));
        for (int i = 1; i <= 60; i++) gate.enter(waiter("w" + i));

        now = ms(0);
        for (int i = 0; i < 20; i++) gate.leave(true); // a select round hands out 20 slots at once
        assertEquals(0, gate.nanosPerDeparture(), "20 departures in no time measure nothing yet");
        now = ms(200);
        for (int i = 0; i < 20; i++) gate.leave(true); // the next round, 200 ms later

        assertEquals(ms(200) / 20, gate.nanosPerDeparture(), "20 departures in 200 ms: 10 ms each");
    }

    @Test
    void aBacklogThatEndedForgetsItsRate() {
        ReplicaGate gate = timedGate();
        gate.enter(waiter("first"));
        for (int i = 1; i <= 3; i++) gate.enter(waiter("w" + i));
        now = ms(0);
        gate.leave(true);
        now = ms(600);
        gate.leave(true); // 600 ms per departure
        assertEquals(ReplicaGate.Admission.REFUSED_WAIT, gate.enter(waiter("late")), "two ahead: 1.2 s");
        gate.leave(true);
        gate.leave(true); // the queue is empty and the slot free
        assertEquals(0, gate.queued());
        assertEquals(0, gate.active());

        assertEquals(ReplicaGate.Admission.ENTERED, gate.enter(waiter("holder")));

        for (int i = 0; i < 50; i++) {
            assertEquals(ReplicaGate.Admission.QUEUED, gate.enter(waiter("next" + i)),
                    "a new backlog is not judged by the old one's rate");
        }
    }

    @Test
    void remembersWhenTheReplicaLastAnsweredNotWhenAnAttemptFailed() {
        ReplicaGate gate = timedGate();
        assertEquals(ReplicaGate.NEVER, gate.lastAnswerNanos());
        gate.enter(waiter("a"));
        now = ms(5);
        gate.leave(true);
        gate.enter(waiter("b"));
        now = ms(9);
        gate.leave(false);

        assertEquals(ms(5), gate.lastAnswerNanos());
        assertEquals(1, gate.answered());
    }
}
