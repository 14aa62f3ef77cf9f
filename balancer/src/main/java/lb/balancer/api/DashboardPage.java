package lb.balancer.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lb.balancer.routing.StrategyParam;
import lb.balancer.routing.Strategies;
import lb.hashring.HashPresets;

/**
 * The HTML of {@code GET /dashboard}: one self-contained page (inline CSS, JavaScript and SVG; nothing fetched from
 * anywhere but this balancer) that polls {@code /status} and {@code /ring} and calls the admin API. The table of
 * strategies, their parameters and the hash presets is written into the page once, so its forms need no extra
 * endpoint. Immutable.
 */
final class DashboardPage {

    private static final String RESOURCE = "/lb/balancer/dashboard/dashboard.html";
    private static final String CHOICES_MARK = "/*CHOICES*/null";

    private final String html;

    private DashboardPage(String html) {
        this.html = html;
    }

    /** Reads the page from the classpath and writes the strategy table into it. */
    static DashboardPage load() {
        String template;
        try (InputStream in = DashboardPage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard page " + RESOURCE + " is missing from the jar");
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        if (!template.contains(CHOICES_MARK)) {
            throw new IllegalStateException(RESOURCE + " lacks the " + CHOICES_MARK + " mark");
        }
        // JsonText quotes strings, but "</" must not close the script element: no name here contains it.
        return new DashboardPage(template.replace(CHOICES_MARK, JsonText.render(choices())));
    }

    String html() {
        return html;
    }

    /** {@code {"strategies": [{"name", "hashing", "params": [{name, default, min, max, integer}]}], "hashes": []}} */
    static Map<String, Object> choices() {
        List<String> hashing = Strategies.hashingNames();
        List<Map<String, Object>> strategies = Strategies.names().stream().map(name -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", name);
            row.put("hashing", hashing.contains(name));
            row.put("params", Strategies.params(name).stream().map(DashboardPage::param).toList());
            return row;
        }).toList();
        Map<String, Object> choices = new LinkedHashMap<>();
        choices.put("strategies", strategies);
        choices.put("hashes", HashPresets.names());
        return choices;
    }

    private static Map<String, Object> param(StrategyParam p) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", p.name());
        row.put("default", p.defaultNumber());
        row.put("min", p.integer() ? (Object) (long) p.min() : p.min());
        row.put("max", p.integer() ? (Object) (long) p.max() : p.max());
        row.put("integer", p.integer());
        return row;
    }
}
