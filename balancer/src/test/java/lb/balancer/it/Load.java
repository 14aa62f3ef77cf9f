package lb.balancer.it;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code total} GETs of {@code /home} with random keys, at most {@code concurrency} in flight. */
record Load(ExecutorService executor, Future<?> driver, AtomicInteger sent, AtomicInteger ok,
        Map<Integer, Integer> statuses) {

    record Result(int ok, int failed, Map<Integer, Integer> statuses) {}

    static Load start(String baseUri, int total, int concurrency) {
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        Map<Integer, Integer> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        Semaphore permits = new Semaphore(concurrency);
        Future<?> driver = executor.submit(() -> {
            for (int i = 0; i < total; i++) {
                permits.acquire();
                sent.incrementAndGet();
                executor.submit(() -> {
                    int status;
                    try {
                        status = PoolHttp.get(baseUri, ThreadLocalRandom.current().nextInt(100_000, 1_000_000));
                    } catch (Exception e) {
                        status = -1;
                    } finally {
                        permits.release();
                    }
                    statuses.merge(status, 1, Integer::sum);
                    if (status == 200) {
                        ok.incrementAndGet();
                    }
                });
            }
            permits.acquire(concurrency); // all answered
            return null;
        });
        return new Load(executor, driver, sent, ok, statuses);
    }

    void awaitSent(int count) throws InterruptedException {
        while (sent.get() < count && !driver.isDone()) {
            Thread.sleep(1);
        }
    }

    Result finish() throws Exception {
        driver.get();
        executor.close();
        int total = statuses.values().stream().mapToInt(Integer::intValue).sum();
        return new Result(ok.get(), total - ok.get(), Map.copyOf(statuses));
    }
}
