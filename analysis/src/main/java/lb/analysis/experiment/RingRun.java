package lb.analysis.experiment;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import lb.analysis.live.PoolSetup;
import lb.analysis.live.ReplicaInfo;
import lb.analysis.load.LoadResult;
import lb.analysis.load.Outcome;
import lb.hashring.HashRing;
import lb.hashring.RingConfig;
import lb.hashring.RingQuality;

/**
 * One measurement of the ring experiments: a workload of request ids over {@code n} servers with
 * one hash preset, and which server took each request. Offline the ring itself answers (server ids 1..n, as a fresh
 * balancer numbers them); live, the balancer does, and {@code X-Served-By} names the replica, whose id comes from
 * {@code /status}. For consistent hashing both give the same server for every id.
 *
 * @param preset    the hash preset
 * @param serverIds the ring's server ids, ascending
 * @param keys      the request ids, in sending order
 * @param served    the server id that answered each request; 0 when it failed
 * @param replicas  the replica name that answered each request (null when it failed)
 * @param status    each request's HTTP status (offline: 200)
 * @param latencyMs each request's latency (offline: NaN, nothing was measured)
 * @param load      the live run's result; null offline
 * @param quality   the ring's own prediction: reachable slots and each server's share of uniform ids
 */
public record RingRun(String preset, List<Integer> serverIds, long[] keys, int[] served, String[] replicas,
                      int[] status, double[] latencyMs, LoadResult load, RingQuality quality) {

    public int n() {
        return serverIds.size();
    }

    /** Requests per server id, every server listed (ascending), failures left out. */
    public Map<Integer, Integer> counts() {
        Map<Integer, Integer> counts = new TreeMap<>();
        serverIds.forEach(id -> counts.put(id, 0));
        for (int id : served) {
            if (id != 0) {
                counts.merge(id, 1, Integer::sum);
            }
        }
        return counts;
    }

    /** The ring's predicted share of requests for server {@code id}. */
    public double predictedShare(int id) {
        return quality.servers().stream().filter(s -> s.serverId() == id).findFirst()
                .map(RingQuality.ServerShare::requestShare).orElse(0.0);
    }

    /**
     * Answered requests that did not go to the server the ring assigns their id: 0 offline by construction; live,
     * the balancer moves a key clockwise while its replica is suspect or refuses (a retry), so this counts how far
     * the live run strayed from the ring.
     */
    public int offRing() {
        HashRing ring = HashRing.of(RingConfig.withPreset(preset), serverIds);
        int off = 0;
        for (int i = 0; i < keys.length; i++) {
            if (served[i] != 0 && served[i] != ring.serverFor(keys[i])) {
                off++;
            }
        }
        return off;
    }

    public long failed() {
        return IntStream.of(served).filter(id -> id == 0).count();
    }

    /** Largest count over the mean count (1 is perfectly even). */
    public double spread() {
        Map<Integer, Integer> counts = counts();
        double mean = counts.values().stream().mapToInt(Integer::intValue).average().orElse(0);
        int max = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return mean == 0 ? 0 : max / mean;
    }

    /** On the ring alone: server ids 1..n. */
    public static RingRun offline(String preset, int n, long[] keys) {
        List<Integer> ids = IntStream.rangeClosed(1, n).boxed().toList();
        HashRing ring = HashRing.of(RingConfig.withPreset(preset), ids);
        int[] served = new int[keys.length];
        String[] replicas = new String[keys.length];
        int[] status = new int[keys.length];
        double[] latency = new double[keys.length];
        for (int i = 0; i < keys.length; i++) {
            served[i] = ring.serverFor(keys[i]);
            replicas[i] = "Server" + served[i];
            status[i] = 200;
            latency[i] = Double.NaN;
        }
        return new RingRun(preset, ids, keys, served, replicas, status, latency, null, ring.quality());
    }

    /**
     * Live: {@code n} replicas, {@code strategy} (a hashing one) with {@code preset}, then every key sent once.
     */
    public static RingRun live(Lab lab, PoolSetup setup, String strategy, String preset, int n, long[] keys) {
        List<ReplicaInfo> replicas = setup.resize(n);
        lab.client().useStrategy(Map.of("name", strategy, "hash", preset));
        Map<String, Integer> idOf = new HashMap<>();
        replicas.forEach(r -> idOf.put(r.name(), r.id()));
        List<Integer> ids = replicas.stream().map(ReplicaInfo::id).sorted().toList();
        LoadResult load = lab.send(preset + " N=" + n, Workload.home(keys), lab.plan());
        int[] served = new int[keys.length];
        String[] names = new String[keys.length];
        int[] status = new int[keys.length];
        double[] latency = new double[keys.length];
        java.util.Arrays.fill(latency, Double.NaN);
        for (Outcome outcome : load.outcomes()) {
            int i = outcome.index();
            status[i] = outcome.status();
            latency[i] = outcome.latencyMillis();
            if (outcome.ok() && outcome.servedBy() != null) {
                names[i] = outcome.servedBy();
                served[i] = idOf.getOrDefault(outcome.servedBy(), 0);
            }
        }
        HashRing ring = HashRing.of(RingConfig.withPreset(preset), ids);
        return new RingRun(preset, ids, keys, served, names, status, latency, load, ring.quality());
    }
}
