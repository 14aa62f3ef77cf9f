package lb.balancer.forward;

import java.nio.ByteBuffer;
import lb.balancer.replica.ForwardListener.Outcome;

/**
 * One try of the current request over one upstream connection: sends the head and body (streamed pieces as the
 * client supplies them), then relays the answer through a {@link ResponseRelay}. What to do when it fails is the
 * {@link Owner}'s decision (gRPC's {@code RetriableStream} over its attempts); the one thing decided here is the
 * transport's own: a reused pooled connection that breaks before any response byte was most likely closed by the
 * replica while idle, so a buffered request is sent once more on a fresh connection to the same upstream.
 *
 * <p>Deadlines: connecting within the connect timeout; the upstream taking the request and answering within the
 * response timeout (between reads, too); while the client is slow to take the response, the client idle timeout.
 * While a streamed body waits for the client's next bytes the client's body deadline applies instead (see
 * {@link ClientConnection}). Loop-confined.
 */
final class Attempt {

    /** Where the request stands on the upstream side. */
    enum Send { IDLE, CONNECTING, SENDING, WAITING_FOR_CLIENT, SENT }

    /** What the attempt reports; exactly one of these per {@link #start}, unless {@link #abort} came first. */
    interface Owner {
        /**
         * Nothing of a response arrived: {@code CONNECT_FAILED} (refused, unreachable), {@code RESET} (the connection
         * broke once open) or {@code TIMED_OUT}.
         */
        void failedBeforeResponse(Outcome outcome);

        /** The upstream's answer is not HTTP; nothing was sent to the client. */
        void badResponse();

        /** The response is whole in the client's buffer. */
        void responded();

        /** The response began and then broke or stalled: the client connection must close. */
        void brokeMidResponse(Outcome outcome);
    }

    private static final byte[] CRLF = Ascii.CRLF;
    private static final byte[] LAST_CHUNK = Ascii.bytes("0\r\n\r\n");
    private static final byte[] CRLF_LAST_CHUNK = Ascii.bytes("\r\n0\r\n\r\n");

    final ResponseRelay relay;
    private final ClientConnection client;
    private final EventLoop loop;
    private final ForwardConfig cfg;
    private Owner owner;
    private UpstreamPool pool;
    private UpstreamConnection up;
    private Send send = Send.IDLE;
    private boolean lastPieceQueued;
    private boolean freshRetried;
    private long received;
    private long deadline;
    private byte[] servedBy;
    private boolean rewrite404;
    private String path;

    Attempt(ClientConnection client, EventLoop loop) {
        this.client = client;
        this.loop = loop;
        this.cfg = loop.config;
        this.relay = new ResponseRelay(client);
    }

    /**
     * Sends the current request to {@code pool}'s upstream; {@code servedBy} is the X-Served-By value as ASCII bytes,
     * null for the admin relay.
     */
    void start(Owner owner, UpstreamPool pool, byte[] servedBy, boolean rewrite404, String path) {
        this.owner = owner;
        this.pool = pool;
        this.servedBy = servedBy;
        this.rewrite404 = rewrite404;
        this.path = path;
        freshRetried = false;
        // A streamed body cannot be sent twice, so it never risks a connection that may have gone stale.
        send(client.body.streamed ? null : pool.pollIdle());
    }

    /** Sends the request on {@code c}, or on a new connection when {@code c} is null. */
    private void send(UpstreamConnection c) {
        relay.reset(servedBy, rewrite404, path);
        received = 0;
        lastPieceQueued = false;
        if (c == null) {
            try {
                c = pool.open();
            } catch (Exception e) { // IOException, or UnresolvedAddressException for an unknown host
                pool.connectFailed();
                send = Send.IDLE;
                owner.failedBeforeResponse(Outcome.CONNECT_FAILED);
                return;
            }
        } else {
            c.reused = true;
        }
        up = c;
        c.lease(this);
        RequestBody body = client.body;
        long length = body.framing == RequestBody.Framing.NONE ? (client.req.contentLength >= 0 ? 0 : -1)
                : body.streamed ? (body.framing == RequestBody.Framing.LENGTH ? client.req.contentLength : -1)
                : body.end - body.start;
        boolean chunked = body.streamed && body.framing == RequestBody.Framing.CHUNKED;
        HeadWriter.writeRequest(client.req, c.out, client.clientIp, pool.host, pool.port, length, chunked);
        queuePiece(c);
        send = c.connected ? Send.SENDING : Send.CONNECTING;
        deadline = loop.now + (c.connected ? cfg.responseTimeoutNanos() : cfg.connectTimeoutNanos());
        c.send();
    }

    /** Puts the body bytes the client buffer holds (with chunk framing when re-chunking) behind {@code c.out}. */
    private void queuePiece(UpstreamConnection c) {
        RequestBody body = client.body;
        int n = body.end - body.start;
        boolean rechunk = body.streamed && body.framing == RequestBody.Framing.CHUNKED;
        lastPieceQueued = body.complete;
        if (rechunk && n > 0) {
            Ascii.putHex(c.out, n);
            c.out.put(CRLF);
        }
        if (n > 0) {
            if (!rechunk && n <= c.out.remaining()) c.out.put(client.in.array(), body.start, n);
            else c.body = ByteBuffer.wrap(client.in.array(), body.start, n);
        }
        if (rechunk) {
            byte[] tail = n > 0 ? (body.complete ? CRLF_LAST_CHUNK : CRLF) : (body.complete ? LAST_CHUNK : null);
            if (tail != null) c.suffix = ByteBuffer.wrap(tail);
        }
    }

    /** The client has more of a streamed body (see {@link ClientConnection#pieceSent}). */
    void bodyPiece() {
        if (up == null) return;
        queuePiece(up);
        if (send != Send.CONNECTING) {
            send = Send.SENDING;
            deadline = loop.now + cfg.responseTimeoutNanos();
        }
        up.send();
    }

    // ---- events from the upstream connection ----

    void connected() {
        send = Send.SENDING;
        deadline = loop.now + cfg.responseTimeoutNanos();
    }

    /** What was queued has been written. */
    void requestSent() {
        if (lastPieceQueued) {
            send = Send.SENT;
            if (!relay.headParsed) deadline = loop.now + cfg.responseTimeoutNanos();
        } else {
            send = Send.WAITING_FOR_CLIENT;
        }
        if (client.body.streamed) client.pieceSent(); // may queue the next piece at once
    }

    void upstreamFailed(Throwable cause) {
        if (!relay.headParsed && received == 0) brokenBeforeResponse();
        else upstreamEof();
    }

    void upstreamEof() {
        if (!relay.headParsed) {
            if (received == 0) brokenBeforeResponse();
            else badResponse();
        } else if (relay.framing == ResponseRelay.Framing.UNTIL_CLOSE || relay.discard) {
            done(false);
        } else {
            // Cut off mid-body: the client already has part of the response, so all that is left is to close.
            closeUpstream();
            owner.brokeMidResponse(Outcome.RESPONDED);
        }
    }

    void upstreamData(int n) {
        received += n;
        if (!relay.headParsed) {
            int r = relay.parseHead(up.in);
            if (r == HttpHead.INCOMPLETE) return;
            if (r != HttpHead.OK) {
                badResponse();
                return;
            }
        }
        relayStep();
    }

    /** The client buffer drained after being full. */
    void clientDrained() {
        if (up != null && relay.paused && relay.headParsed) relayStep();
    }

    private void relayStep() {
        switch (relay.relay(up)) {
            case DONE -> done(relay.clean);
            case BROKEN -> {
                closeUpstream();
                if (relay.discard) owner.responded();
                else owner.brokeMidResponse(Outcome.RESPONDED);
            }
            case WAITING -> deadline = loop.now + (relay.paused ? cfg.idleTimeoutNanos() : cfg.responseTimeoutNanos());
            case CLIENT_GONE -> { } // the client's close already aborted this attempt
        }
    }

    private void done(boolean clean) {
        UpstreamConnection c = up;
        up = null;
        // An answer that came before the whole request went out leaves the connection mid-request: not reusable.
        if (clean && send == Send.SENT && relay.reusable()) pool.release(c);
        else pool.close(c);
        send = Send.IDLE;
        owner.responded();
    }

    private void brokenBeforeResponse() {
        boolean stale = up != null && up.reused;
        Outcome outcome = send == Send.CONNECTING ? Outcome.CONNECT_FAILED : Outcome.RESET; // refused, or broken once open
        closeUpstream();
        if (stale && !freshRetried && !client.body.streamed) {
            freshRetried = true;
            send(null);
            return;
        }
        owner.failedBeforeResponse(outcome);
    }

    private void badResponse() {
        closeUpstream();
        owner.badResponse();
    }

    void checkTimeout(long now) {
        if (up == null || now - deadline <= 0) return;
        if (send == Send.WAITING_FOR_CLIENT && !relay.headParsed) return; // the client's body deadline applies
        if (send == Send.CONNECTING) {
            pool.connectFailed();
            closeUpstream();
            owner.failedBeforeResponse(Outcome.CONNECT_FAILED);
        } else if (relay.paused) {
            closeUpstream();
            owner.brokeMidResponse(Outcome.RESPONDED);
        } else if (relay.headSent) {
            closeUpstream();
            owner.brokeMidResponse(Outcome.TIMED_OUT);
        } else if (relay.discard) {
            closeUpstream();
            owner.responded();
        } else {
            closeUpstream();
            owner.failedBeforeResponse(Outcome.TIMED_OUT);
        }
    }

    /** Whether this attempt waits on an answer of which nothing has arrived yet. */
    boolean awaitingFirstByte() {
        return up != null && !relay.headParsed && received == 0;
    }

    /** Gives up on the upstream as if its connection broke before any response (see {@link Exchange#replicaLeft}). */
    void abandon() {
        closeUpstream();
        owner.failedBeforeResponse(Outcome.CONNECT_FAILED);
    }

    /** The client is closing: drop the upstream; true when a response head had been parsed. */
    boolean abort() {
        closeUpstream();
        send = Send.IDLE;
        return relay.headParsed;
    }

    private void closeUpstream() {
        if (up != null) {
            pool.close(up);
            up = null;
        }
    }
}
