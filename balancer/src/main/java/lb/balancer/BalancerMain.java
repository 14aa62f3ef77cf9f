package lb.balancer;

import lb.balancer.config.BalancerConfig;
import lb.balancer.config.BalancerConfigParser;
import lb.balancer.config.InvalidSettingException;
import lb.balancer.membership.PoolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point: {@code java -jar balancer/target/balancer.jar}; settings are {@code LB_*} environment variables
 * (see {@link BalancerConfig}). Exit code 2: a bad setting; 1: the replicas could not be started.
 */
public final class BalancerMain {

    private static final Logger log = LoggerFactory.getLogger(BalancerMain.class);

    private BalancerMain() {}

    public static void main(String[] args) {
        Balancer balancer;
        try {
            balancer = Balancer.start(BalancerConfigParser.parse(System.getenv()));
        } catch (InvalidSettingException e) {
            log.error("cannot start: {}", e.getMessage());
            System.exit(2);
            return;
        } catch (PoolException | RuntimeException e) {
            log.error("cannot start: {}", e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(balancer::close, "shutdown"));
    }
}
