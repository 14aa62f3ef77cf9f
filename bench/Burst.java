import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The burst of issue 12, probe 8: {@code connections} connections opened first, then each sends one
 * {@code GET /home} at the same instant (Connection: close); every answer's status and time from that instant is
 * recorded. Then, from the instant the last answer arrived, how long until every replica answers a GET pinned to it
 * ({@code X-LB-Replica}) with 200. Loopback only; every socket has a read timeout, so the run is bounded.
 *
 * <pre>  java bench/Burst.java 127.0.0.1 18112 8000</pre>
 *
 * Prints one {@code BURST key=value ...} line (for bench/burst.sh) and a readable summary.
 */
public class Burst {

    private static final int READ_TIMEOUT_MS = 30_000;
    private static final Pattern NAME = Pattern.compile("\"(\\w+)\"");

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int connections = Integer.parseInt(args[2]);
        InetSocketAddress door = new InetSocketAddress(host, port);
        List<String> replicas = replicas(door);

        Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
        Map<String, List<Long>> latencies = new ConcurrentHashMap<>();
        Map<String, List<Long>> sinceSent = new ConcurrentHashMap<>();
        List<Long> sentAt = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger connectFailures = new AtomicInteger();
        CountDownLatch connected = new CountDownLatch(connections);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch answered = new CountDownLatch(connections);
        long[] lastAnswer = {0};
        long[] start = {0};
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < connections; i++) {
                clients.submit(() -> {
                    try (Socket socket = new Socket()) {
                        try {
                            socket.connect(door, 10_000);
                            socket.setSoTimeout(READ_TIMEOUT_MS);
                        } catch (Exception e) {
                            connectFailures.incrementAndGet();
                            connected.countDown();
                            record(statuses, latencies, "connect-failed", 0);
                            return null;
                        }
                        // built before the go, so that at the go each client only writes
                        byte[] request = ("GET /home HTTP/1.1\r\nHost: " + host + "\r\nX-Request-Id: "
                                + ThreadLocalRandom.current().nextInt(100_000, 1_000_000)
                                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                        OutputStream out = socket.getOutputStream();
                        InputStream in = socket.getInputStream();
                        connected.countDown();
                        go.await();
                        String status;
                        long sent = 0;
                        try {
                            out.write(request);
                            out.flush();
                            sent = System.nanoTime();
                            sentAt.add((sent - start[0]) / 1_000_000);
                            status = statusOf(in);
                        } catch (java.net.SocketTimeoutException e) {
                            status = "no-answer-in-" + READ_TIMEOUT_MS / 1000 + "s";
                        } catch (Exception e) {
                            status = "reset";
                        }
                        long now = System.nanoTime();
                        record(statuses, latencies, status, (now - start[0]) / 1_000_000);
                        if (sent != 0) {
                            sinceSent.computeIfAbsent(status, x -> Collections.synchronizedList(new ArrayList<>()))
                                    .add((now - sent) / 1_000_000);
                        }
                        synchronized (lastAnswer) {
                            lastAnswer[0] = Math.max(lastAnswer[0], System.nanoTime());
                        }
                        return null;
                    } finally {
                        answered.countDown();
                    }
                });
            }
            connected.await(60, TimeUnit.SECONDS);
            start[0] = System.nanoTime();
            go.countDown();
            answered.await(READ_TIMEOUT_MS + 30_000L, TimeUnit.MILLISECONDS);
        }
        long burstMillis = (lastAnswer[0] - start[0]) / 1_000_000;
        long recoveryMillis = untilAllServe(door, replicas, lastAnswer[0]);

        StringBuilder line = new StringBuilder("BURST connections=" + connections + " burst_ms=" + burstMillis
                + " all_serving_after_ms=" + recoveryMillis);
        new TreeMap<>(statuses).forEach((status, count) -> line.append(" status_").append(status).append('=')
                .append(count.get()));
        System.out.println(line);
        new TreeMap<>(latencies).forEach((status, values) -> {
            List<Long> sorted = new ArrayList<>(values);
            Collections.sort(sorted);
            List<Long> own = new ArrayList<>(sinceSent.getOrDefault(status, List.of()));
            Collections.sort(own);
            System.out.printf("  %-22s %6d answers, ms from the burst: p50 %d, p99 %d, max %d;"
                    + " from its own send: p50 %d, p99 %d%n", status, sorted.size(), pct(sorted, 50),
                    pct(sorted, 99), sorted.getLast(), own.isEmpty() ? -1 : pct(own, 50), own.isEmpty() ? -1 : pct(own, 99));
        });
        List<Long> sends = new ArrayList<>(sentAt);
        Collections.sort(sends);
        if (!sends.isEmpty()) {
            System.out.printf("  requests written, ms from the burst: p50 %d, p99 %d, last %d%n", pct(sends, 50),
                    pct(sends, 99), sends.getLast());
        }
        System.out.println("  replicas " + replicas + " all answered a pinned GET " + recoveryMillis
                + " ms after the last burst answer" + (recoveryMillis < 0 ? " (NOT within 30 s)" : ""));
    }

    private static void record(Map<String, AtomicInteger> statuses, Map<String, List<Long>> latencies, String status,
            long millis) {
        statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
        latencies.computeIfAbsent(status, s -> Collections.synchronizedList(new ArrayList<>())).add(millis);
    }

    /**
     * The status code of the response on {@code in}, after reading it to its end (the server closes); a 503 is told
     * apart by the balancer's reason (its message), since a fast refusal and a queue timeout are different defences.
     */
    private static String statusOf(InputStream in) throws java.io.IOException {
        byte[] buffer = new byte[8192];
        StringBuilder head = new StringBuilder();
        int read;
        while ((read = in.read(buffer)) > 0) {
            if (head.length() < 1024) {
                head.append(new String(buffer, 0, Math.min(read, 1024), StandardCharsets.US_ASCII));
            }
        }
        String text = head.toString();
        if (!text.startsWith("HTTP/1.") || text.length() < 12) return "malformed";
        String status = text.substring(9, 12);
        return status.equals("503") ? "503-" + reasonOf503(text) : status;
    }

    private static String reasonOf503(String response) {
        if (response.contains("queue is full")) return "queue-full";
        if (response.contains("whole queue timeout")) return "queue-timeout";
        if (response.contains("would outlast the queue timeout")) return "queue-predicted";
        if (response.contains("Too many connections")) return "too-many-connections";
        return "other";
    }

    /** Milliseconds from {@code since} until every replica answers a pinned GET with 200; -1 if not within 30 s. */
    private static long untilAllServe(InetSocketAddress door, List<String> replicas, long since) throws Exception {
        long end = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < end) {
            boolean all = true;
            for (String replica : replicas) {
                all &= "200".equals(pinnedGet(door, replica));
            }
            if (all) {
                return (System.nanoTime() - since) / 1_000_000;
            }
            Thread.sleep(10);
        }
        return -1;
    }

    private static String pinnedGet(InetSocketAddress door, String replica) {
        try (Socket socket = new Socket()) {
            socket.connect(door, 1_000);
            socket.setSoTimeout(1_000);
            socket.getOutputStream().write(("GET /home HTTP/1.1\r\nHost: burst\r\nX-LB-Replica: " + replica
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return statusOf(socket.getInputStream());
        } catch (Exception e) {
            return "failed";
        }
    }

    /** The replica names {@code GET /rep} lists. */
    private static List<String> replicas(InetSocketAddress door) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(door, 2_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("GET /rep HTTP/1.1\r\nHost: burst\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String body = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String list = body.substring(body.indexOf("\"replicas\": [") + 13, body.indexOf(']'));
            List<String> names = new ArrayList<>();
            Matcher m = NAME.matcher(list);
            while (m.find()) {
                names.add(m.group(1));
            }
            return names;
        }
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
