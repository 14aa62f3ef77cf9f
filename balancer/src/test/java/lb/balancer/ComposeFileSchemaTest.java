package lb.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.AnnotationKeyword;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The top-level {@code docker-compose.yml} is valid Compose Specification, the format {@code docker compose} v2 reads
 * (only {@code docker-compose} v1 can be installed on our machines, and v1 accepts things v2 rejects): validated
 * against the specification's own JSON schema, vendored in {@code src/test/resources/compose-spec/} (its README says
 * which revision and where from). The same file with a mistake in it must fail, so a schema that accepts anything
 * cannot pass this.
 */
class ComposeFileSchemaTest {

    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void theComposeFileIsValidComposeSpecification() throws Exception {
        List<Error> errors = schema().validate(composeFile());

        assertEquals(List.of(), errors.stream().map(Error::toString).toList());
    }

    @Test
    void aServiceKeyTheSpecificationDoesNotKnowIsRejected() throws Exception {
        ObjectNode broken = (ObjectNode) composeFile();
        // A v1-era habit: restart policies under the service itself rather than `restart` / `deploy.restart_policy`.
        ((ObjectNode) broken.path("services").path("balancer")).putObject("restart_policy").put("condition", "any");

        List<Error> errors = schema().validate(broken);

        assertFalse(errors.isEmpty(), "an unknown service key must fail");
        assertTrue(errors.stream().anyMatch(e -> e.toString().contains("restart_policy")), errors.toString());
    }

    @Test
    void aValueOfTheWrongShapeIsRejected() throws Exception {
        ObjectNode broken = (ObjectNode) composeFile();
        ((ObjectNode) broken.path("services").path("balancer")).put("depends_on", 42);

        List<Error> errors = schema().validate(broken);

        assertTrue(errors.stream().anyMatch(e -> e.toString().contains("depends_on")), errors.toString());
    }

    /**
     * The vendored schema, read as the draft 2019-09 it names. It still carries draft-4 {@code "id"} members, which in
     * 2019-09 are no keyword (so annotations, as validators of that draft treat them); the validator would refuse
     * them as an {@code id} it has no validator for, so the dialect says so.
     */
    private static Schema schema() throws Exception {
        Dialect draft201909 = Dialect.builder(Dialects.getDraft201909()).keyword(new AnnotationKeyword("id")).build();
        try (InputStream in = ComposeFileSchemaTest.class.getResourceAsStream("/compose-spec/compose-spec.json")) {
            return SchemaRegistry.withDialect(draft201909).getSchema(in);
        }
    }

    private static JsonNode composeFile() throws Exception {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("docker-compose.yml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no docker-compose.yml above " + Path.of("").toAbsolutePath());
        }
        return YAML.readTree(Files.readString(dir.resolve("docker-compose.yml")));
    }
}
