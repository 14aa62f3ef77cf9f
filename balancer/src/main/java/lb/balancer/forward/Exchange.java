package lb.balancer.forward;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
import lb.balancer.replica.ForwardListener.Outcome;
import lb.balancer.replica.Replica;
import lb.balancer.routing.Pick;
import lb.balancer.routing.RouteRequest;
import lb.balancer.routing.Target;

/**
 * Forwards one buffered client request: picks a replica, leases an upstream connection, retries, and relays the
 * response into the client's output buffer. One instance per client connection, reused for each request.
 *
 * <p>Retry rules: a pooled connection that fails before any response byte is assumed stale and the request is sent
 * once more on a fresh connection to the same replica, whatever the method (the replica never saw it). A fresh
 * connection failing that way is {@link Outcome#CONNECT_FAILED}, and GET/HEAD move on to the next pick. A timeout is
 * never retried: the replica may still be working on the request. Once any response byte was received, nothing is
 * retried. Loop-confined.
 */
final class Exchange {

    private static final int NONE = 0, LENGTH = 1, CHUNKED = 2, UNTIL_CLOSE = 3;

    private final ClientConnection client;
    private final EventLoop loop;
    private final ForwardConfig cfg;
    private final ResponseHead resp = new ResponseHead();
    private final ChunkedParser chunks = new ChunkedParser();
    private final ChunkedParser.DataSink toClient;

    private RouteRequest route;
    private Replica replica;
    private boolean admin;
    private int tries;
    private UpstreamPool pool;
    private UpstreamConnection up;
    private boolean listenerOpen;
    private boolean freshRetried;
    private boolean connecting;
    private long startNanos;
    private long deadline;

    private boolean headParsed;
    private boolean headSent;
    private boolean discard;
    private boolean dechunk;
    private boolean paused;
    private int framing;
    private long remaining;
    private int readPos;
    private long received;

    Exchange(ClientConnection client, EventLoop loop) {
        this.client = client;
        this.loop = loop;
        this.cfg = loop.config;
        this.toClient = (b, off, len) -> client.out.put(b, off, len);
    }

    /** Starts forwarding the request that {@link ClientConnection#req} describes. */
    void begin() {
        tries = 0;
        String path = client.path();
        if (cfg.adminPaths().contains(path)) {
            admin = true;
            replica = null;
            pool = loop.pool(cfg.adminHost(), cfg.adminPort());
            startAttempt();
            return;
        }
        admin = false;
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
        pickAndStart();
    }

    private void pickAndStart() {
        Pick pick = cfg.pickers().get().pick(route);
        if (pick instanceof Pick.Routed(Replica r)) {
            replica = r;
            pool = loop.pool(r);
            tries++;
            listenerOpen = true;
            cfg.listener().started(r, tries);
            startAttempt();
        } else if (pick instanceof Pick.UnknownTarget(String reason)) {
            respond(400, "<Error> " + reason);
        } else if (tries == 0) {
            respond(503, "<Error> " + ((Pick.NoReplica) pick).reason());
        } else {
            respond(502, ErrorReplies.NO_REPLICA_SERVED);
        }
    }

    private void startAttempt() {
        startNanos = System.nanoTime();
        freshRetried = false;
        send(pool.pollIdle());
    }

    /** Sends the request on {@code c}, or on a new connection when {@code c} is null. */
    private void send(UpstreamConnection c) {
        resetResponse();
        if (c == null) {
            try {
                c = pool.open();
            } catch (Exception e) { // IOException, or UnresolvedAddressException for an unknown host
                pool.connectFailed();
                attemptFailed(Outcome.CONNECT_FAILED);
                return;
            }
        } else {
            c.reused = true;
        }
        up = c;
        c.lease(this);
        RequestHead req = client.req;
        int bodyLength = client.bodyEnd - req.headEnd;
        HeadWriter.writeRequest(req, c.out, client.clientIp, pool.host, pool.port, bodyLength);
        if (bodyLength <= c.out.remaining()) {
            c.out.put(client.in.array(), req.headEnd, bodyLength);
        } else {
            c.body = ByteBuffer.wrap(client.in.array(), req.headEnd, bodyLength);
        }
        connecting = !c.connected;
        deadline = loop.now + (connecting ? cfg.connectTimeoutNanos() : cfg.responseTimeoutNanos());
        c.send();
    }

    private void resetResponse() {
        resp.reset();
        headParsed = headSent = discard = dechunk = paused = false;
        readPos = 0;
        received = 0;
    }

    // ---- events from the upstream connection ----

    void connected() {
        connecting = false;
        deadline = loop.now + cfg.responseTimeoutNanos();
    }

    void requestSent() {
        deadline = loop.now + cfg.responseTimeoutNanos();
    }

    void upstreamFailed(Throwable cause) {
        if (!headParsed && received == 0) brokenBeforeResponse();
        else upstreamEof();
    }

    void upstreamEof() {
        if (!headParsed) {
            if (received == 0) brokenBeforeResponse();
            else badResponse();
        } else if (framing == UNTIL_CLOSE || discard) {
            complete(false);
        } else {
            // Cut off mid-body: the client already has part of the response, so all that is left is to close.
            closeUpstream();
            finish(Outcome.RESPONDED);
            client.close();
        }
    }

    void upstreamData(int n) {
        received += n;
        if (!headParsed) {
            byte[] a = up.in.array();
            while (true) {
                int r = resp.parse(a, readPos, up.in.position());
                if (r == HttpHead.INCOMPLETE) return;
                if (r != HttpHead.OK || resp.status == 101) {
                    badResponse();
                    return;
                }
                readPos = resp.headEnd;
                if (resp.status >= 200) break;
                resp.reset(); // an interim 1xx answer: skip it, the final one follows
            }
            headParsed = true;
            startResponse();
        }
        relay();
    }

    private void startResponse() {
        RequestHead req = client.req;
        if (!admin) cfg.listener().responded(replica, resp.status);
        if (resp.bodyless(req.isHead)) framing = NONE;
        else if (resp.chunked) framing = CHUNKED;
        else if (resp.contentLength >= 0) framing = LENGTH;
        else framing = UNTIL_CLOSE;
        remaining = resp.contentLength;
        chunks.reset();
        if (!admin && resp.status == 404) {
            // The replicas' 404 becomes the API's 400; the replica's body is read and dropped to keep the connection.
            discard = true;
            client.writeError(400, ErrorReplies.unknownEndpoint(client.displayPath()));
            return;
        }
        dechunk = framing == CHUNKED && req.http10;
        if (framing == UNTIL_CLOSE || dechunk) client.keepAlive = false;
        HeadWriter.writeResponse(resp, client.out, admin ? null : replica.name(), framing == CHUNKED && !dechunk,
                client.keepAlive, req.http10);
        headSent = true;
    }

    /**
     * Moves body bytes from the upstream buffer to the client buffer, and on to the client, until the upstream buffer
     * is consumed or the client stops taking bytes (then reading the replica pauses until {@link #clientDrained}).
     */
    private void relay() {
        while (true) {
            boolean consumed = copyToClient();
            if (up == null) return; // the replica broke the body's framing; already handled
            if (bodyDone()) {
                complete(consumed); // reports to the listener before the client can see the end of the response
                return;
            }
            boolean drained = client.flush();
            if (!drained && client.isClosed()) return;
            // The client took everything at once but bytes are still held: move them now. No OP_WRITE is armed, so
            // waiting for clientDrained here would stall the response for good.
            if (drained && !consumed) continue;
            // While paused the clock is the client's: a client that stops reading is dropped after the idle timeout.
            deadline = loop.now + (consumed ? cfg.responseTimeoutNanos() : cfg.clientIdleTimeoutNanos());
            if (paused != !consumed) {
                // Backpressure: stop reading the replica while the client has not taken what we hold.
                paused = !consumed;
                up.setReading(!paused);
            }
            return;
        }
    }

    /** Copies held body bytes into the client buffer as far as it allows; true when the upstream buffer is consumed. */
    private boolean copyToClient() {
        ByteBuffer in = up.in;
        byte[] a = in.array();
        int end = in.position();
        ByteBuffer out = client.out;
        while (readPos < end && !bodyDone()) {
            int space = discard ? Integer.MAX_VALUE : out.remaining();
            if (space == 0) break;
            int n = Math.min(end - readPos, space);
            if (framing == LENGTH) {
                n = (int) Math.min(n, remaining);
                if (!discard) out.put(a, readPos, n);
                remaining -= n;
                readPos += n;
            } else if (framing == CHUNKED) {
                int stop = chunks.parse(a, readPos, readPos + n, dechunk && !discard ? toClient : null);
                if (stop == ChunkedParser.MALFORMED) {
                    upstreamBrokeMidBody();
                    return false;
                }
                if (!dechunk && !discard) out.put(a, readPos, stop - readPos);
                readPos = stop;
            } else if (framing == UNTIL_CLOSE) {
                if (!discard) out.put(a, readPos, n);
                readPos += n;
            } else {
                break; // NONE: bytes beyond the response; the connection is not reused (see complete)
            }
        }
        boolean consumed = readPos == end;
        if (consumed) {
            in.clear();
            readPos = 0;
        }
        return consumed;
    }

    /** The client buffer drained after being full. */
    void clientDrained() {
        if (up != null && paused && headParsed) relay();
    }

    private boolean bodyDone() {
        return switch (framing) {
            case NONE -> true;
            case LENGTH -> remaining == 0;
            case CHUNKED -> chunks.done();
            default -> false;
        };
    }

    private void complete(boolean cleanEnd) {
        UpstreamConnection c = up;
        up = null;
        boolean reusable = cleanEnd && framing != UNTIL_CLOSE && resp.keepAlive() && readPos == 0;
        if (reusable) {
            c.owner = null;
            pool.release(c);
        } else {
            pool.close(c);
        }
        finish(Outcome.RESPONDED);
        client.exchangeDone();
    }

    private void brokenBeforeResponse() {
        boolean stale = up != null && up.reused;
        Outcome outcome = connecting ? Outcome.CONNECT_FAILED : Outcome.RESET; // refused, or broken once connected
        closeUpstream();
        if (stale && !freshRetried) {
            freshRetried = true;
            send(null);
            return;
        }
        attemptFailed(outcome);
    }

    private void badResponse() {
        closeUpstream();
        finish(Outcome.BAD_RESPONSE);
        respond(502, ErrorReplies.BAD_GATEWAY);
    }

    private void upstreamBrokeMidBody() {
        closeUpstream();
        finish(Outcome.RESPONDED);
        if (discard) client.exchangeDone();
        else client.close();
    }

    private void attemptFailed(Outcome outcome) {
        closeUpstream();
        finish(outcome);
        if (outcome == Outcome.TIMED_OUT) {
            respond(504, ErrorReplies.timedOut(admin ? "admin" : replica.name()));
        } else if (!admin && client.req.idempotent && tries < cfg.maxTries()) {
            route = route.excluding(replica.id());
            pickAndStart();
        } else {
            respond(502, admin ? ErrorReplies.ADMIN_UNREACHABLE : ErrorReplies.NO_REPLICA_SERVED);
        }
    }

    void checkTimeout(long now) {
        if (up == null || now - deadline <= 0) return;
        if (paused) {
            client.close();
        } else if (connecting) {
            pool.connectFailed();
            attemptFailed(Outcome.CONNECT_FAILED);
        } else if (headSent) {
            closeUpstream();
            finish(Outcome.TIMED_OUT);
            client.close();
        } else if (discard) {
            upstreamBrokeMidBody();
        } else {
            attemptFailed(Outcome.TIMED_OUT);
        }
    }

    /**
     * {@code gone} was declared dead (e.g. paused: it holds the connection open and never answers). If this exchange
     * waits on it and nothing of the response has arrived, give up on it now as on a broken connection, so a GET moves
     * on to the next replica instead of waiting for the response timeout.
     */
    void replicaLeft(Replica gone) {
        if (up == null || admin || headParsed || received > 0 || !gone.equals(replica)) return;
        attemptFailed(Outcome.CONNECT_FAILED);
    }

    /** The client connection is closing while this exchange runs. */
    void abort() {
        if (up != null) closeUpstream();
        finish(headParsed ? Outcome.RESPONDED : Outcome.TIMED_OUT);
    }

    private void respond(int status, String message) {
        client.writeError(status, message);
        client.exchangeDone();
    }

    private void closeUpstream() {
        if (up != null) {
            pool.close(up);
            up = null;
        }
    }

    private void finish(Outcome outcome) {
        if (listenerOpen) {
            listenerOpen = false;
            cfg.listener().finished(replica, System.nanoTime() - startNanos, outcome);
        }
    }
}
