package lb.balancer.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import lb.balancer.routing.RouteRequest;
import lb.hashring.RingConfig;
import org.junit.jupiter.api.Test;

class ReplicaTest {

    @Test
    void acceptsEveryIdTheExclusionMaskCanHold() {
        Replica last = new Replica("S63", Replica.MAX_ID, "10.0.0.63", 5000, "default");
        RouteRequest request = RouteRequest.of(1, "/home").excluding(last.id());
        assertEquals(true, request.excludes(Replica.MAX_ID));
        assertEquals(false, request.excludes(1));
    }

    /** An id of 64 would be bit 0 of the mask again: excluding it would exclude nothing, or the wrong replica. */
    @Test
    void refusesIdsBeyondTheMaskInsteadOfAliasing() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Replica("S64", 64, "10.0.0.64", 5000, "default"));
        assertEquals("replica id must be from 1 to 63: 64", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Replica("S0", 0, "10.0.0.1", 5000, "default"));
    }

    @Test
    void poolSizeIsWhatFitsTheRing() {
        assertEquals(56, Replica.maxPoolSize(RingConfig.defaults()));
    }
}
