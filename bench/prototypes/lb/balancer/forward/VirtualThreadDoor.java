package lb.balancer.forward;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Design probe, not shipped: the same byte-level parsing and rewriting as the front door, but blocking sockets on
 * virtual threads (one per client connection) and a shared pool of blocking upstream connections. GET with
 * Content-Length responses only, no retries or timeouts: just enough to measure the threading model's cost against
 * the NIO event loops. Run by bench/compare-designs.sh.
 */
public final class VirtualThreadDoor {

    record Backend(String name, String host, int port, ConcurrentLinkedQueue<Upstream> idle) {}

    static final class Upstream {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final byte[] buf = new byte[32 * 1024];
        final ByteBuffer head = ByteBuffer.allocate(32 * 1024);

        Upstream(Backend b) throws IOException {
            socket = new Socket(b.host(), b.port());
            socket.setTcpNoDelay(true);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        List<Backend> backends = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            URI u = URI.create(args[i]);
            backends.add(new Backend("Server" + i, u.getHost(), u.getPort(), new ConcurrentLinkedQueue<>()));
        }
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("127.0.0.1", port), 1024);
            while (true) {
                Socket client = server.accept();
                Thread.ofVirtual().start(() -> serve(client, backends));
            }
        }
    }

    private static void serve(Socket client, List<Backend> backends) {
        try (client) {
            client.setTcpNoDelay(true);
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            byte[] ip = Ascii.bytes(client.getInetAddress().getHostAddress());
            byte[] buf = new byte[32 * 1024];
            ByteBuffer reply = ByteBuffer.allocate(64 * 1024);
            RequestHead req = new RequestHead();
            ResponseHead resp = new ResponseHead();
            int len = 0;
            while (true) {
                req.reset();
                int r;
                while ((r = req.parse(buf, 0, len)) == HttpHead.INCOMPLETE) {
                    int n = in.read(buf, len, buf.length - len);
                    if (n < 0) return;
                    len += n;
                }
                if (r != HttpHead.OK) return;
                req.afterParse();
                String key = req.key();
                long k = key == null ? ThreadLocalRandom.current().nextInt(100_000, 1_000_000) : BenchFrontDoor.hashKey(key);
                Backend b = backends.get((int) (k % backends.size()));
                Upstream u = b.idle().poll();
                if (u == null) u = new Upstream(b);
                u.head.clear();
                HeadWriter.writeRequest(req, u.head, ip, b.host(), b.port(), 0, false);
                u.out.write(u.head.array(), 0, u.head.position());
                int ulen = 0;
                resp.reset();
                while ((r = resp.parse(u.buf, 0, ulen)) == HttpHead.INCOMPLETE) {
                    int n = u.in.read(u.buf, ulen, u.buf.length - ulen);
                    if (n < 0) throw new IOException("upstream closed");
                    ulen += n;
                }
                if (r != HttpHead.OK || resp.contentLength < 0) return;
                reply.clear();
                HeadWriter.writeResponse(resp, reply, Ascii.asciiBytes(b.name()), null, false, req.keepAlive(), req.http10);
                int have = ulen - resp.headEnd;
                reply.put(u.buf, resp.headEnd, have);
                long rest = resp.contentLength - have;
                while (rest > 0) {
                    int n = u.in.read(u.buf, 0, (int) Math.min(u.buf.length, rest));
                    if (n < 0) throw new IOException("upstream closed");
                    reply.put(u.buf, 0, n);
                    rest -= n;
                }
                b.idle().add(u);
                out.write(reply.array(), 0, reply.position());
                int consumed = req.headEnd;
                System.arraycopy(buf, consumed, buf, 0, len - consumed);
                len -= consumed;
                if (!req.keepAlive()) return;
            }
        } catch (IOException e) {
            // client or upstream gone: drop the connection
        }
    }
}
