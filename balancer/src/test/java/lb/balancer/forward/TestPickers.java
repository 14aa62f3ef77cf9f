package lb.balancer.forward;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import lb.balancer.replica.ForwardListener;
import lb.balancer.replica.Replica;
import lb.balancer.routing.Pick;
import lb.balancer.routing.Picker;
import lb.balancer.routing.RouteRequest;

/** Pickers and a listener that record what the front door asked and reported. */
final class TestPickers {

    private TestPickers() {}

    /** Picks the first replica of {@code order} not excluded (so "the next replica" is the next in the list). */
    static final class Ordered implements Picker {
        final List<RouteRequest> requests = new CopyOnWriteArrayList<>();
        private final List<Replica> order;

        Ordered(List<Replica> order) {
            this.order = List.copyOf(order);
        }

        @Override
        public Pick pick(RouteRequest request) {
            requests.add(request);
            for (Replica r : order) {
                if (!request.excludes(r.id())) return new Pick.Routed(r);
            }
            return new Pick.NoReplica("none left");
        }
    }

    static final class Recording implements ForwardListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        /** The attempt number of every started attempt, and the status of every response head. */
        final List<Integer> attempts = new CopyOnWriteArrayList<>();
        final List<Integer> statuses = new CopyOnWriteArrayList<>();

        @Override
        public void started(Replica replica, int attempt) {
            attempts.add(attempt);
            started(replica);
        }

        @Override
        public void responded(Replica replica, int status) {
            statuses.add(status);
        }

        @Override
        public void started(Replica replica) {
            events.add("started " + replica.name());
        }

        @Override
        public void finished(Replica replica, long nanos, Outcome outcome) {
            events.add("finished " + replica.name() + " " + outcome);
        }
    }
}
