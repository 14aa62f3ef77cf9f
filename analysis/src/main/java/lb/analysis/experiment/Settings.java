package lb.analysis.experiment;

import java.net.URI;
import java.nio.file.Path;
import lb.analysis.live.KillMode;

/**
 * What the command line chose for a run of experiments. Immutable.
 *
 * @param url         the live balancer
 * @param requests    requests per measurement (a1: all of them; a2/a4: per N)
 * @param concurrency connections of the load generator (closed loop: requests in flight)
 * @param rate        open-loop arrival rate in requests per second; 0 for the closed loop
 * @param seed        seeds the request ids and the simulator
 * @param hash        hash preset of the ring experiments a1/a2 (a4 runs every preset)
 * @param strategy    null for the default of each experiment; else the one strategy to use or compare
 * @param out         where CSVs, charts and the report go
 * @param offline     run on the simulator instead of a live balancer
 * @param kill        how a3 kills a replica
 * @param command     the command line, for the report
 */
public record Settings(URI url, int requests, int concurrency, double rate, long seed, String hash, String strategy,
                       Path out, boolean offline, KillMode kill, String command) {

}
