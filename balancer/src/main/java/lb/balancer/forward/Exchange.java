package lb.balancer.forward;

import lb.balancer.replica.Replica;

/**
 * What a client connection forwards through: for each request, the admin relay ({@link AdminCall}) for the admin
 * paths (exact match, any method) and a {@link ReplicaCall} for everything else, both over one reusable
 * {@link Attempt}. Created on a connection's first request, so an idle connection that never sent one costs none of
 * this. Loop-confined.
 */
final class Exchange {

    /** One logical request from the client's side. */
    interface Call {
        void begin(String path);

        void checkTimeout(long now);

        /** See {@link ReplicaCall#replicaLeft}. */
        void replicaLeft(Replica gone);

        /** The client connection is closing while the call runs. */
        void abort();
    }

    private final Attempt attempt;
    private final ReplicaCall replicas;
    private final AdminCall admin;
    private final ForwardConfig cfg;
    private Call current;
    /** The last path seen and whether it is an admin path: {@link ClientConnection#path} hands back the same String. */
    private String lastPath;
    private boolean lastPathAdmin;

    Exchange(ClientConnection client, EventLoop loop) {
        this.cfg = loop.config;
        this.attempt = new Attempt(client, loop);
        this.replicas = new ReplicaCall(client, loop, attempt);
        this.admin = new AdminCall(client, loop, attempt);
    }

    /** Starts forwarding the request that the client connection has framed. */
    void begin(String path) {
        if (path != lastPath) {
            lastPath = path;
            lastPathAdmin = cfg.adminPaths().contains(path);
        }
        current = lastPathAdmin ? admin : replicas;
        current.begin(path);
    }

    /** The client has more of a streamed body. */
    void bodyPiece() {
        attempt.bodyPiece();
    }

    /** The client buffer drained after being full. */
    void clientDrained() {
        attempt.clientDrained();
    }

    void checkTimeout(long now) {
        if (current != null) current.checkTimeout(now);
    }

    void replicaLeft(Replica gone) {
        if (current != null) current.replicaLeft(gone);
    }

    void abort() {
        if (current != null) current.abort();
    }
}
