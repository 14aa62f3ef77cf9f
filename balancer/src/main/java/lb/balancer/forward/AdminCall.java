package lb.balancer.forward;

import lb.balancer.replica.ForwardListener.Outcome;
import lb.balancer.replica.Replica;

/**
 * The admin relay: a request for one of the admin paths goes unchanged to the admin API's loopback port, with no
 * picking, no retry beyond the stale-connection resend of {@link Attempt}, no X-Served-By and no 404 rewrite. The
 * admin API checks its own token (its port can be reached without the front door). Loop-confined.
 */
final class AdminCall implements Exchange.Call, Attempt.Owner {

    private final ClientConnection client;
    private final EventLoop loop;
    private final Attempt attempt;
    private boolean active;

    AdminCall(ClientConnection client, EventLoop loop, Attempt attempt) {
        this.client = client;
        this.loop = loop;
        this.attempt = attempt;
    }

    @Override
    public void begin(String path) {
        active = true;
        ForwardConfig cfg = loop.config;
        attempt.relay.trace = null; // admin answers are not traced
        attempt.start(this, loop.pool(cfg.adminHost(), cfg.adminPort()), null, false, path);
    }

    @Override
    public void failedBeforeResponse(Outcome outcome) {
        respond(outcome == Outcome.TIMED_OUT ? 504 : 502,
                outcome == Outcome.TIMED_OUT ? ErrorReplies.timedOut("admin") : ErrorReplies.ADMIN_UNREACHABLE);
    }

    @Override
    public void badResponse() {
        respond(502, ErrorReplies.BAD_GATEWAY);
    }

    @Override
    public void responded() {
        active = false;
        client.exchangeDone();
    }

    @Override
    public void brokeMidResponse(Outcome outcome) {
        active = false;
        client.close();
    }

    @Override
    public void checkTimeout(long now) {
        if (active) attempt.checkTimeout(now);
    }

    @Override
    public void replicaLeft(Replica gone) {
        // the admin API is not a replica
    }

    @Override
    public void abort() {
        if (active) attempt.abort();
        active = false;
    }

    private void respond(int status, String message) {
        active = false;
        client.writeError(status, message);
        client.exchangeDone();
    }
}
