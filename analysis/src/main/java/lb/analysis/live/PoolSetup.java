package lb.analysis.live;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Sets up a live balancer for an experiment through {@code /add}, {@code /rm} and {@code /strategy}, and puts back
 * what it found: the same replica names with their regions and latency settings, and the same strategy. While an
 * experiment sets up, replicas are added before others are removed, so the pool never runs empty under load.
 */
public final class PoolSetup implements AutoCloseable {

    /** A group of replicas an experiment wants: how many, a name prefix, and their profile. */
    public record Group(int count, String prefix, Profile profile) {}

    private static final long UP_TIMEOUT_NANOS = 60_000_000_000L;

    private final BalancerClient client;
    private final List<ReplicaInfo> found;
    private final Map<String, Object> foundStrategy;
    private final Consumer<String> log;

    private PoolSetup(BalancerClient client, Consumer<String> log) {
        this.client = client;
        this.log = log;
        this.found = client.status();
        this.foundStrategy = client.strategy();
    }

    /** Remembers the balancer's replicas and strategy as they are now. */
    public static PoolSetup snapshot(BalancerClient client, Consumer<String> log) {
        return new PoolSetup(client, log);
    }

    /**
     * Exactly {@code n} replicas: removes those with the highest ids, or adds new ones with the default profile (the
     * balancer gives them the next ids), so a pool that had ids 1..m has ids 1..n.
     */
    public List<ReplicaInfo> resize(int n) {
        List<ReplicaInfo> now = client.status();
        if (now.size() > n) {
            List<String> highest = now.stream().sorted(Comparator.comparingInt(ReplicaInfo::id).reversed())
                    .limit(now.size() - n).map(ReplicaInfo::name).toList();
            log.accept("removing " + highest);
            client.remove(highest.size(), highest);
        } else if (now.size() < n) {
            log.accept("adding " + (n - now.size()) + " replicas");
            client.add(n - now.size(), List.of(), Profile.DEFAULT);
        }
        return awaitUp(n);
    }

    /** Exactly the replicas of {@code groups} (named {@code <prefix>1, <prefix>2, ...}); every other one goes. */
    public List<ReplicaInfo> use(List<Group> groups) {
        List<String> wanted = new ArrayList<>();
        for (Group group : groups) {
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= group.count(); i++) {
                names.add(group.prefix() + i);
            }
            wanted.addAll(names);
            List<String> present = client.replicas();
            List<String> absent = names.stream().filter(name -> !present.contains(name)).toList();
            if (!absent.isEmpty()) {
                log.accept("adding " + absent + " " + group.profile());
                client.add(absent.size(), absent, group.profile());
            }
        }
        List<String> others = client.replicas().stream().filter(name -> !wanted.contains(name)).toList();
        if (!others.isEmpty()) {
            log.accept("removing " + others);
            client.remove(others.size(), others);
        }
        return awaitUp(wanted.size());
    }

    /** Waits (up to 60 s) until {@code n} replicas are listed and all of them are up. */
    public List<ReplicaInfo> awaitUp(int n) {
        long deadline = System.nanoTime() + UP_TIMEOUT_NANOS;
        while (true) {
            List<ReplicaInfo> now = client.status();
            if (now.size() == n && now.stream().allMatch(ReplicaInfo::up)) {
                return now;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("expected " + n + " healthy replicas, the balancer lists " + now);
            }
            sleepMillis(50);
        }
    }

    /**
     * Puts back the replicas and the strategy found at {@link #snapshot}. The balancer numbers a new replica after
     * the largest id in use, so when some found replica has to be started again, every replica goes first (the pool
     * is empty for a moment; no load runs then) and the found ones are added in their old id order: ids that were
     * 1..m come back as 1..m, and the ring is the one found.
     */
    @Override
    public void close() {
        client.useStrategy(foundStrategy);
        List<String> foundNames = found.stream().map(ReplicaInfo::name).toList();
        List<String> present = client.replicas();
        boolean complete = present.containsAll(foundNames);
        List<String> extra = present.stream().filter(name -> !foundNames.contains(name)).toList();
        if (!complete) {
            log.accept("removing " + present + " to restore " + foundNames);
            if (!present.isEmpty()) {
                client.remove(present.size(), present);
            }
            List<ReplicaInfo> byId = found.stream().sorted(Comparator.comparingInt(ReplicaInfo::id)).toList();
            for (int i = 0; i < byId.size(); ) { // runs of the same profile in id order, one /add each
                Profile profile = Profile.of(byId.get(i));
                List<String> names = new ArrayList<>();
                while (i < byId.size() && Profile.of(byId.get(i)).equals(profile)) {
                    names.add(byId.get(i++).name());
                }
                log.accept("restoring " + names);
                client.add(names.size(), names, profile);
            }
        } else if (!extra.isEmpty()) {
            log.accept("removing " + extra);
            client.remove(extra.size(), extra);
        }
        awaitUp(found.size());
    }

    public static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
