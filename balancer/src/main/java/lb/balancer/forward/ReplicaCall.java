package lb.balancer.forward;

import java.util.concurrent.ThreadLocalRandom;
import lb.balancer.replica.ForwardListener.Outcome;
import lb.balancer.replica.Replica;
import lb.balancer.routing.Pick;
import lb.balancer.routing.RouteRequest;
import lb.balancer.routing.Target;
import lb.balancer.trace.Trace;

/**
 * One client request sent to the replicas: derives the key, picks, waits for a slot at the replica's
 * {@link ReplicaGate}, and runs {@link Attempt}s until one answers (gRPC's {@code RetriableStream}: one logical call
 * over several attempts).
 *
 * <p>Retry rules: a request that failed before any response byte moves on to the next pick only when its method is
 * idempotent (RFC 9110 §9.2.2) and its body was buffered whole, up to {@code maxTries} attempts; a timeout is never
 * retried (the replica may still be working on it); once a response byte arrived, nothing is retried. The
 * {@code ForwardListener} hears {@code started} and exactly one {@code finished} per attempt. Loop-confined, except
 * {@link #granted}.
 */
final class ReplicaCall implements Exchange.Call, Attempt.Owner, ReplicaGate.Waiter {

    /** Where the call stands. */
    enum State { IDLE, QUEUED, ATTEMPTING }

    private final ClientConnection client;
    private final EventLoop loop;
    private final ForwardConfig cfg;
    private final Attempt attempt;
    private State state = State.IDLE;
    private RouteRequest route;
    private Replica replica;
    /** The gate whose slot this call holds (or waits for); null when none. */
    private ReplicaGate gate;
    private int tries;
    private boolean listenerOpen;
    private long startNanos;
    private long queueDeadline;
    private String path;
    /** The request's decision trace; null unless it sent {@code X-LB-Trace: 1}. */
    private Trace trace;

    ReplicaCall(ClientConnection client, EventLoop loop, Attempt attempt) {
        this.client = client;
        this.loop = loop;
        this.cfg = loop.config;
        this.attempt = attempt;
    }

    @Override
    public void begin(String path) {
        this.path = path;
        tries = 0;
        trace = null; // a bad target header is answered before the trace starts
        RequestHead req = client.req;
        Target target = Target.NONE;
        if (req.targeted()) {
            String problem = req.targetProblem();
            if (problem != null) {
                respond(400, "<Error> " + problem);
                return;
            }
            target = req.target();
        }
        String key = req.key();
        long k = key == null
                ? ThreadLocalRandom.current().nextInt(100_000, 1_000_000)
                : cfg.keyHasher().applyAsLong(key);
        route = RouteRequest.of(k, path, target);
        trace = req.traced ? cfg.tracer().start(key == null ? Long.toString(k) : key, req.keySource(), k) : null;
        attempt.relay.trace = trace;
        pickAndStart();
    }

    private void pickAndStart() {
        Pick pick = cfg.pickers().get().pick(route);
        if (trace != null) trace.decided(route, pick);
        if (pick instanceof Pick.Routed(Replica r)) {
            replica = r;
            ReplicaGate g = cfg.limits().gate(r);
            switch (g.enter(this)) {
                case ENTERED -> {
                    gate = g;
                    startAttempt();
                }
                case QUEUED -> {
                    gate = g;
                    state = State.QUEUED;
                    queueDeadline = loop.now + cfg.limits().queueTimeoutNanos();
                }
                case REFUSED -> respond(503, ErrorReplies.busy(r.name()));
                case REFUSED_WAIT -> respond(503, ErrorReplies.queueTooSlow(r.name()));
            }
        } else if (pick instanceof Pick.UnknownTarget(String reason)) {
            respond(400, "<Error> " + reason);
        } else if (tries == 0) {
            respond(503, "<Error> " + ((Pick.NoReplica) pick).reason());
        } else {
            respond(502, ErrorReplies.NO_REPLICA_SERVED);
        }
    }

    /** A slot freed up at the gate this call queued on (any thread). */
    @Override
    public void granted() {
        ReplicaGate g = gate;
        loop.execute(() -> {
            if (state == State.QUEUED && gate == g) startAttempt();
            else g.leave(false); // the call gave up in the meantime: pass the slot on
        });
    }

    private void startAttempt() {
        tries++;
        state = State.ATTEMPTING;
        listenerOpen = true;
        startNanos = System.nanoTime();
        cfg.listener().started(replica, tries);
        if (trace != null) trace.started(replica);
        attempt.start(this, loop.pool(replica), loop.servedBy(replica), true, path);
    }

    @Override
    public void failedBeforeResponse(Outcome outcome) {
        finish(outcome);
        if (outcome == Outcome.TIMED_OUT) {
            respond(504, ErrorReplies.timedOut(replica.name()));
        } else if (client.req.idempotent && !client.body.streamed && tries < cfg.maxTries()) {
            route = route.excluding(replica.id());
            pickAndStart();
        } else {
            respond(502, ErrorReplies.NO_REPLICA_SERVED);
        }
    }

    @Override
    public void badResponse() {
        finish(Outcome.BAD_RESPONSE);
        respond(502, ErrorReplies.BAD_GATEWAY);
    }

    @Override
    public void responded() {
        finish(Outcome.RESPONDED);
        client.exchangeDone();
    }

    @Override
    public void brokeMidResponse(Outcome outcome) {
        finish(outcome);
        client.close();
    }

    @Override
    public void checkTimeout(long now) {
        if (state == State.QUEUED) {
            if (now - queueDeadline > 0 && gate.withdraw(this)) {
                gate = null;
                state = State.IDLE;
                respond(503, ErrorReplies.queueTimedOut(replica.name()));
            }
        } else if (state == State.ATTEMPTING) {
            attempt.checkTimeout(now);
        }
    }

    /**
     * {@code gone} was declared dead (e.g. paused: it holds the connection open and never answers). If this call
     * waits on it and nothing of the response has arrived, give up on it now as on a broken connection, so a GET moves
     * on to the next replica instead of waiting for the response timeout.
     */
    @Override
    public void replicaLeft(Replica gone) {
        if (state == State.ATTEMPTING && attempt.awaitingFirstByte() && gone.equals(replica)) attempt.abandon();
    }

    @Override
    public void abort() {
        if (state == State.QUEUED) {
            if (gate.withdraw(this)) gate = null; // else the grant is on its way and passes the slot on
            state = State.IDLE;
        } else if (state == State.ATTEMPTING) {
            boolean responded = attempt.abort();
            finish(responded ? Outcome.RESPONDED : Outcome.TIMED_OUT);
        }
    }

    private void respond(int status, String message) {
        state = State.IDLE;
        client.writeError(status, message, trace == null ? null : trace.close(status));
        client.exchangeDone();
    }

    /** Ends the attempt: reports it and gives its slot back. */
    private void finish(Outcome outcome) {
        state = State.IDLE;
        if (gate != null) {
            ReplicaGate g = gate;
            gate = null;
            g.leave(outcome == Outcome.RESPONDED);
        }
        if (listenerOpen) {
            listenerOpen = false;
            int status = attempt.relay.headParsed ? attempt.relay.head.status : 0;
            if (status != 0) cfg.listener().responded(replica, status);
            cfg.listener().finished(replica, System.nanoTime() - startNanos, outcome);
            if (trace != null) trace.ended(outcome, status);
        }
    }
}
