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
}
