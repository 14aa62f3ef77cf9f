package lb.balancer.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import lb.balancer.replica.ReplicaSpec;
import lb.balancer.runtime.AdoptionPlan.Found;
import org.junit.jupiter.api.Test;

/** Every state a balancer stopping in the middle of a replacement or removal leaves in Docker (issue 12.1). */
class AdoptionPlanTest {

    private static final String SPARES = "lb-spare-";
    private static final ReplicaSpec S1 = spec("Server1", 1);
    private static final ReplicaSpec S2 = spec("Server2", 2);
    private static final ReplicaSpec S3 = spec("Server3", 3);

    private static ReplicaSpec spec(String name, int id) {
        return new ReplicaSpec(name, id, "default", Map.of("SERVER_LATENCY_MS", "5"));
    }

    private static Found running(String id, String name, ReplicaSpec spec) {
        return new Found(id, name, true, "10.0.0." + id.length(), spec);
    }

    private static Found stopped(String id, String name, ReplicaSpec spec) {
        return new Found(id, name, false, null, spec);
    }

    private static AdoptionPlan plan(Found... found) {
        return AdoptionPlan.of(List.of(found), SPARES, List.of());
    }

    private static List<String> adopted(AdoptionPlan plan) {
        return plan.adopt.stream().map(a -> a.spec().name()).toList();
    }

    @Test
    void aReplicaWhoseOnlyRemainsWereRenamedDeadIsStartedAgainWithItsIdNotLost() {
        Found dead = stopped("c2", "Server2-dead-c2", S2);

        AdoptionPlan plan = plan(running("c1", "Server1", S1), dead, running("c3", "Server3", S3));

        assertEquals(List.of("Server1", "Server3"), adopted(plan));
        assertEquals(Map.of(S2, List.of(dead)), plan.restart, "Server2 started again, same id and settings");
        assertTrue(plan.remove.isEmpty(), "nothing removed before the replacement runs: " + plan.remove);
    }

    @Test
    void aDeadReplicaStillHoldingItsNameIsRenamedAwayAndStartedAgain() {
        Found dead = stopped("c2", "Server2", S2);

        AdoptionPlan plan = plan(running("c1", "Server1", S1), dead);

        assertEquals(List.of(new AdoptionPlan.RenameAway(dead, "Server2-dead-c2")), plan.renameAway);
        assertEquals(List.of(dead), plan.restart.get(S2));
    }

    @Test
    void aSpareClaimedButNotRenamedTakesTheNameAndTheRemainsGo() {
        Found dead = stopped("c2", "Server2-dead-c2", S2);
        Found claimed = running("spare1", SPARES + "ab", S2);

        AdoptionPlan plan = plan(dead, claimed);

        assertEquals(List.of(new AdoptionPlan.Adopt(S2, claimed, "Server2")), plan.adopt);
        assertTrue(plan.restart.isEmpty());
        assertEquals(List.of(dead), plan.remove);
    }

    @Test
    void aRunningReplacementSupersedesTheRemains() {
        Found dead = stopped("c2", "Server2-dead-c2", S2);
        Found replacement = running("c9", "Server2", S2);

        AdoptionPlan plan = plan(dead, replacement);

        assertEquals(List.of(new AdoptionPlan.Adopt(S2, replacement, null)), plan.adopt);
        assertEquals(List.of(dead), plan.remove);
        assertTrue(plan.restart.isEmpty());
    }

    @Test
    void aReplicaBeingRemovedIsNeverBroughtBack() {
        Found removing = running("c2", "Server2-removed-c2", S2);

        AdoptionPlan plan = plan(running("c1", "Server1", S1), removing);

        assertEquals(List.of("Server1"), adopted(plan));
        assertEquals(List.of(removing), plan.remove);
        assertTrue(plan.restart.isEmpty());
    }

    @Test
    void unclaimedSparesRunningAreKeptAndStoppedOnesRemoved() {
        Found ready = running("s1", SPARES + "01", null);
        Found stoppedSpare = stopped("s2", SPARES + "02", null);

        AdoptionPlan plan = plan(ready, stoppedSpare);

        assertEquals(List.of(ready), plan.spares);
        assertEquals(List.of(stoppedSpare), plan.remove);
    }

    @Test
    void thePoolRecordedAtAGracefulStopIsStartedAgainInIdOrder() {
        AdoptionPlan plan = AdoptionPlan.of(List.of(running("c1", "Server1", S1)), SPARES, List.of(S1, S2, S3));

        assertEquals(List.of("Server1"), adopted(plan));
        assertEquals(List.of(S2, S3), List.copyOf(plan.restart.keySet()));
    }
}
