package lb.balancer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The spec's scenario ({@link ScenarioContract}) against the balancer running as a container with the Docker socket
 * (as in docker-compose): after every step, the containers Docker runs are exactly the replicas {@code /rep} lists.
 */
class BalancerScenarioIT extends ScenarioContract {

    @RegisterExtension
    static final DockerPool docker = new DockerPool(Map.of());

    @Override
    HttpResponse<String> send(String method, String path, String body) throws Exception {
        return docker.send(method, path, body);
    }

    @Override
    Set<String> runningReplicas() {
        return docker.runningReplicas();
    }

    @Override
    int serverIdOf(String name) {
        return docker.serverIdOf(name);
    }

    @Override
    void assertNoLeftovers() {
        assertEquals(docker.runningReplicas().size() + docker.spares().size(),
                docker.poolContainers().size(), "no stopped leftovers");
    }
}
