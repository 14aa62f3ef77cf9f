package lb.balancer.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard against an admin API that wants a token ({@code LB_ADMIN_TOKEN}'s contract: 401 JSON without
 * {@code Authorization: Bearer <token>}): a change answered 401 makes the page ask for the token and send the same
 * call again with it. The API here is a stand-in that answers the page's reads with a fixed pool and records the
 * {@code Authorization} header of each {@code POST /add}.
 */
class DashboardTokenTest {

    private static final String TOKEN = "s3cret-token";
    private static final String RING = "{\"message\": {\"slots\": 512, \"virtualNodes\": 9, \"hash\": \"mixed\", "
            + "\"routing\": true, \"replicas\": [{\"name\": \"Server1\", \"id\": 1, \"inRing\": true, \"nodes\": [5], "
            + "\"owned\": 512}], \"routes\": [" + "1, ".repeat(511) + "1]}, \"status\": \"successful\"}";
    private static final String STATUS = "{\"message\": {\"strategy\": \"consistent-hash\", \"replicas\": [{\"name\": "
            + "\"Server1\", \"id\": 1, \"health\": \"up\", \"region\": \"default\"}], \"spares\": 0, \"events\": []}, "
            + "\"status\": \"successful\"}";
    private static final String STRATEGY = "{\"message\": {\"name\": \"consistent-hash\", \"hash\": \"mixed\"}, "
            + "\"status\": \"successful\"}";

    private final List<String> addAuthorizations = new CopyOnWriteArrayList<>();
    private HttpServer api;
    private WebDriver browser;

    @BeforeEach
    void start() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/chromium")) || "true".equals(System.getenv("CI")),
                "SKIPPED: needs Debian's chromium (see DashboardBrowserTest)");
        String page = DashboardPage.load().html();
        api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        api.createContext("/dashboard", ex -> answer(ex, 200, "text/html; charset=utf-8", page));
        api.createContext("/status", ex -> answer(ex, 200, "application/json", STATUS));
        api.createContext("/ring", ex -> answer(ex, 200, "application/json", RING));
        api.createContext("/strategy", ex -> answer(ex, 200, "application/json", STRATEGY));
        api.createContext("/add", ex -> {
            String authorization = ex.getRequestHeaders().getFirst("Authorization");
            addAuthorizations.add(String.valueOf(authorization));
            if (("Bearer " + TOKEN).equals(authorization)) {
                answer(ex, 200, "application/json", "{\"message\": {\"N\": 2, \"replicas\": [\"Server1\", \"S7\"]}, "
                        + "\"status\": \"successful\"}");
            } else {
                answer(ex, 401, "application/json", "{\"message\": \"<Error> Admin token required\", "
                        + "\"status\": \"failure\"}");
            }
        });
        api.start();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-dev-shm-usage", "--window-size=1440,1200");
        browser = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build(), options);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (api != null) {
            api.stop(0);
        }
    }

    private static void answer(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @Test
    void aRefusedChangeAsksForTheTokenAndIsSentAgainWithIt() throws Exception {
        browser.get("http://127.0.0.1:" + api.getAddress().getPort() + "/dashboard");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
        wait.withMessage("the page drew the pool").until(d -> !d.findElements(By.cssSelector("tr[data-name='Server1']")).isEmpty());

        browser.findElement(By.id("add-names")).sendKeys("S7");
        browser.findElement(By.id("add-button")).click();
        wait.withMessage("the token dialog").until(d -> d.findElement(By.id("token-dialog")).isDisplayed());
        assertEquals(List.of("null"), addAuthorizations, "the first try went without a token");

        browser.findElement(By.id("token-input")).sendKeys(TOKEN);
        browser.findElement(By.id("token-ok")).click();
        wait.withMessage("the call sent again").until(d -> addAuthorizations.size() == 2);
        assertEquals("Bearer " + TOKEN, addAuthorizations.get(1));
        wait.withMessage("the page says it was added").until(d -> d.findElement(By.id("toast")).getText().contains("added"));
        assertTrue(browser.findElement(By.id("token-state")).getText().contains("admin token set"));
    }
}
