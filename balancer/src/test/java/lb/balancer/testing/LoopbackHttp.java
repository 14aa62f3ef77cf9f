package lb.balancer.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** One HTTP call to a server of the test on 127.0.0.1, the way the admin API tests talk to it. */
public final class LoopbackHttp {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private LoopbackHttp() {
    }

    /**
     * Sends {@code method path} with {@code body} (none when null) and {@code headers} as name, value, ..., and
     * returns the answer with its body as text.
     */
    public static HttpResponse<String> send(int port, String method, String path, String body, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) request.headers(headers);
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
