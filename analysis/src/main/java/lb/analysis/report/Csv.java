package lb.analysis.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes one CSV file: a header row, then rows of values (numbers as plain text, doubles with up to 6 decimals;
 * text quoted only when it holds a comma, quote or line break). Not thread-safe; close it to flush.
 */
public final class Csv implements AutoCloseable {

    private final BufferedWriter out;

    private Csv(Path file, List<String> columns) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            this.out = Files.newBufferedWriter(file);
            row(columns.toArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static Csv create(Path file, String... columns) {
        return new Csv(file, List.of(columns));
    }

    public Csv row(Object... values) {
        try {
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    out.write(',');
                }
                out.write(cell(values[i]));
            }
            out.write('\n');
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String cell(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.6f", d).replaceAll("\\.?0+$", "");
        }
        String text = value.toString();
        return text.matches(".*[\",\\n\\r].*") ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
