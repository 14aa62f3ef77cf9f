package lb.balancer.forward;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import lb.balancer.replica.Replica;

/**
 * A socket-level replica for cases the JDK server cannot produce: fixed raw responses, and connections that close
 * without answering. {@code script.answer(connectionNo, requestNoOnConnection, head)} returns the bytes to send, or
 * null to close the connection instead. An answer saying "Connection: close" closes it after sending.
 */
final class RawBackend implements AutoCloseable {

    interface Script {
        byte[] answer(int connection, int request, String head);
    }

    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    private final ServerSocket server;
    private final int id;

    RawBackend(int id, Script script) throws IOException {
        this.id = id;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    int conn = connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> serve(s, conn, script));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    Replica replica() {
        return new Replica("Raw" + id, id, "127.0.0.1", server.getLocalPort(), "default");
    }

    private void serve(Socket s, int conn, Script script) {
        try (s) {
            InputStream in = s.getInputStream();
            for (int n = 1; ; n++) {
                String head = readHead(in);
                if (head == null) return;
                requests.incrementAndGet();
                byte[] answer = script.answer(conn, n, head);
                if (answer == null) return;
                s.getOutputStream().write(answer);
                s.getOutputStream().flush();
                if (new String(answer, StandardCharsets.ISO_8859_1).contains("Connection: close")) return;
            }
        } catch (IOException e) {
            // the front door closed it: fine
        }
    }

    /** Reads up to the blank line (test requests to raw backends carry no body). */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            buf.write(c);
            String s = buf.toString(StandardCharsets.ISO_8859_1);
            if (s.endsWith("\r\n\r\n")) return s;
        }
        return null;
    }

    static byte[] ok(String extraHeaders, String body) {
        return ("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n" + extraHeaders + "\r\n" + body)
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
