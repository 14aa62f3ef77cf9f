package lb.balancer.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicReference;
import lb.balancer.replica.ForwardListener.Outcome;
import lb.balancer.replica.Replica;
import lb.balancer.routing.RoundRobinStrategy;
import lb.balancer.routing.RoutingStrategy;
import org.junit.jupiter.api.Test;

class ForwardMetricsTest {

    private static final Replica S1 = new Replica("Server1", 1, "127.0.0.1", 9001, "default");

    @Test
    void countsEveryFailureCauseApart() {
        Metrics metrics = new Metrics();
        ForwardMetrics recorder = new ForwardMetrics(metrics, RoundRobinStrategy::new);
        int expected = 0;
        for (Outcome outcome : Outcome.values()) {
            expected++;
            for (int i = 0; i < expected; i++) {
                recorder.started(S1, 1);
                recorder.finished(S1, 1_000, outcome);
            }
        }
        Scrape s = Scrape.parse(metrics.scrape());
        assertEquals(2, s.value("lb_replica_errors_total", "replica", "Server1", "cause", "connect"));
        assertEquals(3, s.value("lb_replica_errors_total", "replica", "Server1", "cause", "reset"));
        assertEquals(4, s.value("lb_replica_errors_total", "replica", "Server1", "cause", "bad_response"));
        assertEquals(5, s.value("lb_replica_errors_total", "replica", "Server1", "cause", "timeout"));
        assertEquals(1, s.value("lb_replica_latency_seconds_count", "replica", "Server1"), "answered attempts only");
        assertEquals(15, s.value("lb_replica_picks_total", "replica", "Server1"));
    }

    @Test
    void aReplacementKeepsCountingUnderItsNameAndANewNameUnderAReusedIdGetsItsOwnSeries() {
        Metrics metrics = new Metrics();
        ForwardMetrics recorder = new ForwardMetrics(metrics, RoundRobinStrategy::new);
        recorder.started(S1, 1);
        recorder.started(new Replica("Server1", 1, "10.0.0.9", 5000, "default"), 1); // replaced: new address
        recorder.started(new Replica("S9", 1, "10.0.0.7", 5000, "default"), 1);       // id 1 reused by another name
        recorder.started(S1, 2);
        Scrape s = Scrape.parse(metrics.scrape());
        assertEquals(3, s.value("lb_replica_picks_total", "replica", "Server1"));
        assertEquals(1, s.value("lb_replica_retries_total", "replica", "Server1"));
        assertEquals(1, s.value("lb_replica_picks_total", "replica", "S9"));
    }

    @Test
    void picksAreCountedUnderTheStrategyThatMadeThem() {
        Metrics metrics = new Metrics();
        AtomicReference<RoutingStrategy> current = new AtomicReference<>(new RoundRobinStrategy());
        ForwardMetrics recorder = new ForwardMetrics(metrics, current::get);
        recorder.started(S1, 1);
        recorder.started(S1, 1);
        current.set(new lb.balancer.routing.LeastConnectionsStrategy(new lb.balancer.routing.ReplicaStats()));
        recorder.started(S1, 1);
        current.set(new RoundRobinStrategy()); // back again: the same series goes on
        recorder.started(S1, 1);
        Scrape s = Scrape.parse(metrics.scrape());
        assertEquals(3, s.value("lb_strategy_picks_total", "strategy", "round-robin"));
        assertEquals(1, s.value("lb_strategy_picks_total", "strategy", "least-connections"));
    }

    @Test
    void responsesAreCountedByStatusClass() {
        Metrics metrics = new Metrics();
        ForwardMetrics recorder = new ForwardMetrics(metrics, RoundRobinStrategy::new);
        for (int status : new int[] {200, 204, 301, 404, 404, 503, 599}) {
            recorder.responded(S1, status);
        }
        Scrape s = Scrape.parse(metrics.scrape());
        assertEquals(2, s.value("lb_replica_responses_total", "replica", "Server1", "class", "2xx"));
        assertEquals(1, s.value("lb_replica_responses_total", "replica", "Server1", "class", "3xx"));
        assertEquals(2, s.value("lb_replica_responses_total", "replica", "Server1", "class", "4xx"));
        assertEquals(2, s.value("lb_replica_responses_total", "replica", "Server1", "class", "5xx"));
    }
}
