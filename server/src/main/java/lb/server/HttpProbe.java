package lb.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * A curl for images that have no curl: {@code java -cp /app/server.jar lb.server.HttpProbe http://Server2:5000/home}
 * prints the body and exits 0 on a 2xx answer, 1 otherwise. Used to check container-to-container reachability by
 * name (the replica image is a bare JRE, without a shell or network tools).
 */
public final class HttpProbe {

    private static final int TIMEOUT_MILLIS = 5_000;

    private HttpProbe() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java -cp server.jar lb.server.HttpProbe <url>");
            System.exit(2);
        }
        HttpURLConnection connection = (HttpURLConnection) URI.create(args[0]).toURL().openConnection();
        connection.setConnectTimeout(TIMEOUT_MILLIS);
        connection.setReadTimeout(TIMEOUT_MILLIS);
        int status = connection.getResponseCode();
        InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream();
        if (body != null) {
            try (body) {
                System.out.write(body.readAllBytes());
                System.out.flush();
            }
        }
        System.exit(status >= 200 && status < 300 ? 0 : 1);
    }
}
