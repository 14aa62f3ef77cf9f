import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Client side of bench/idle.sh and bench/attack.sh: holds many connections to one loopback port, bounded in count
 * and time. Run as a single-file program: {@code java bench/Hold.java <mode> <port> <count> <seconds>}.
 *
 * <ul>
 *   <li>{@code idle}: each connection sends one GET /home, reads the answer and then stays open, idle (a keep-alive
 *       connection between requests); prints "READY n" once all are open and answered, holds them for the given
 *       seconds, then prints how many the server closed (or answered, which it does only before closing).</li>
 *   <li>{@code bigheads}: each sends a 62-byte head {@code POST /home} with {@code Content-Length: 8388600} and no
 *       body byte (probe 1 of issue 11); prints "READY n", holds, prints how many were closed by the server.</li>
 *   <li>{@code slowloris}: each sends a request head one byte per connection per second, never finishing it;
 *       prints, when all are closed or the seconds are up, how many the server closed, how many of those got a 408
 *       first, and the longest a connection lived.</li>
 * </ul>
 */
public class Hold {

    private static final byte[] GET = "GET /home HTTP/1.1\r\nHost: bench\r\nX-Request-Id: 123456\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] BIG_HEAD = "POST /home HTTP/1.1\r\nHost: a\r\nContent-Length: 8388600\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1);
    private static final int MAX_COUNT = 20_000;
    private static final int MAX_SECONDS = 600;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int port = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        if (count < 1 || count > MAX_COUNT || seconds < 1 || seconds > MAX_SECONDS) {
            throw new IllegalArgumentException("count 1-" + MAX_COUNT + ", seconds 1-" + MAX_SECONDS);
        }
        switch (mode) {
            case "idle" -> hold(port, count, seconds, true);
            case "bigheads" -> hold(port, count, seconds, false);
            case "slowloris" -> slowloris(port, count, seconds);
            default -> throw new IllegalArgumentException("mode: idle, bigheads or slowloris");
        }
    }

    private static Socket open(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(10_000);
        return s;
    }

    private static void hold(int port, int count, int seconds, boolean idle) throws Exception {
        List<Socket> sockets = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                Socket s = open(port);
                sockets.add(s);
                if (idle) {
                    s.getOutputStream().write(GET);
                    readResponse(s.getInputStream());
                } else {
                    s.getOutputStream().write(BIG_HEAD);
                }
            }
            System.out.println("READY " + sockets.size());
            System.out.flush();
            Thread.sleep(seconds * 1000L);
            int closed = 0;
            for (Socket s : sockets) {
                s.setSoTimeout(1);
                try {
                    s.getInputStream().read(); // EOF, or the first byte of the answer the server sent before closing
                    closed++;
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // open and silent: what an idle connection should be
                } catch (IOException reset) {
                    closed++;
                }
            }
            System.out.println("CLOSED_BY_SERVER " + closed);
        } finally {
            for (Socket s : sockets) s.close();
        }
    }

    /** Reads one response with a Content-Length body (what /home answers). */
    private static void readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) throw new IOException("closed before a response");
            head.append((char) c);
        }
        String h = head.toString().toLowerCase();
        int at = h.indexOf("content-length:");
        if (at < 0) throw new IOException("no Content-Length: " + head);
        int len = Integer.parseInt(h.substring(at + 15, h.indexOf("\r\n", at)).trim());
        in.readNBytes(len);
    }

    private static void slowloris(int port, int count, int seconds) throws Exception {
        byte[] head = ("GET /home HTTP/1.1\r\nHost: a\r\nX-Slow: " + "x".repeat(10_000)).getBytes(StandardCharsets.ISO_8859_1);
        Socket[] sockets = new Socket[count];
        int[] sent = new int[count];
        long[] closedAt = new long[count];
        boolean[] got408 = new boolean[count];
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) sockets[i] = open(port);
        System.out.println("READY " + count);
        System.out.flush();
        int open = count;
        long end = t0 + seconds * 1_000_000_000L;
        try {
            while (open > 0 && System.nanoTime() < end) {
                for (int i = 0; i < count; i++) {
                    if (closedAt[i] != 0) continue;
                    Socket s = sockets[i];
                    try {
                        InputStream in = s.getInputStream();
                        if (in.available() > 0) {
                            byte[] answer = in.readNBytes(Math.min(in.available(), 12));
                            got408[i] = new String(answer, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 408");
                            closedAt[i] = System.nanoTime();
                            open--;
                            continue;
                        }
                        OutputStream out = s.getOutputStream();
                        out.write(head[sent[i]++ % head.length]);
                        out.flush();
                    } catch (IOException gone) {
                        closedAt[i] = System.nanoTime();
                        open--;
                    }
                }
                Thread.sleep(1000);
            }
        } finally {
            for (Socket s : sockets) s.close();
        }
        int closed = 0;
        int answered408 = 0;
        long longest = 0;
        for (int i = 0; i < count; i++) {
            if (closedAt[i] == 0) continue;
            closed++;
            if (got408[i]) answered408++;
            longest = Math.max(longest, closedAt[i] - t0);
        }
        System.out.println("CLOSED_BY_SERVER " + closed + " GOT_408 " + answered408 + " LONGEST_MS " + longest / 1_000_000);
    }
}
