package lb.balancer.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import lb.balancer.replica.ReplicaSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool as it was when the balancer stopped gracefully (and removed its containers): one claim line per replica
 * (name, id, region, settings; see {@link ClaimFields}), in the balancer's own temporary directory. In a container
 * that is its writable layer: it survives {@code docker stop}/{@code docker restart} of the balancer, which then
 * starts the same pool again, and goes with the container on {@code docker-compose down}, which leaves nothing.
 * Read and deleted at the next start.
 */
final class PoolRecord {

    private static final Logger log = LoggerFactory.getLogger(PoolRecord.class);

    private final Path file;

    PoolRecord(Path file) {
        this.file = file;
    }

    static PoolRecord forPool(String pool) {
        return new PoolRecord(Path.of(System.getProperty("java.io.tmpdir"), "lb-pool-" + pool + ".record"));
    }

    void write(List<ReplicaSpec> pool) {
        List<String> lines = pool.stream().map(ClaimFields::encode).toList();
        try {
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            Files.write(partial, lines, StandardCharsets.UTF_8);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("could not record the pool in {}: {}", file, e.getMessage());
        }
    }

    /** The recorded pool; empty when there is none (a first start, or the last stop was not graceful). */
    List<ReplicaSpec> read() {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<ReplicaSpec> specs = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    specs.add(ClaimFields.specOf(ClaimFields.decode(line)));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            log.warn("ignoring the unreadable pool record {}: {}", file, e.getMessage());
        }
        return specs;
    }

    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("could not delete the pool record {}: {}", file, e.getMessage());
        }
    }
}
