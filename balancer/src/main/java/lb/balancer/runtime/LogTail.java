package lb.balancer.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The last lines of a replica's log, quoted in start failures so the operator sees why without digging. */
final class LogTail {

    private LogTail() {}

    static String of(Path file, int lines) {
        try {
            return of(Files.readAllLines(file, StandardCharsets.UTF_8), lines);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static String of(List<String> all, int lines) {
        List<String> tail = all.subList(Math.max(0, all.size() - lines), all.size());
        return tail.isEmpty() ? "(empty log)" : String.join("\n", tail);
    }
}
