package lb.analysis.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseDecoder;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.HdrHistogram.Histogram;

/**
 * An asynchronous HTTP/1.1 load generator that is not the bottleneck: a few Netty event-loop threads (one per core
 * by default, as wrk runs one thread per core) drive every connection, connections are opened once and kept alive
 * (reopened only when the server closes one), and no thread waits per request. Requests carry their ring key as
 * {@code X-Request-Id}; which replica answered comes from {@code X-Served-By}. See {@link LoadPlan} for the closed
 * and the open loop.
 *
 * <p>A run is split into one shard per event loop: shard {@code k} sends the workload positions {@code k, k + L,
 * k + 2L, ...} over its share of the connections, so no state is shared between the loops. Every shard starts at the
 * same instant, after all connections are open; the open loop's schedule is the whole run's.
 *
 * <p>{@link #run} blocks the caller until the run has ended; one run at a time. Traffic goes only to the target.
 */
public final class LoadGenerator implements AutoCloseable {

    /** Answers come from the balancer under test; their headers need no validation, only reading. */
    private static final HttpDecoderConfig DECODER = new HttpDecoderConfig()
            .setHeadersFactory(DefaultHttpHeadersFactory.headersFactory().withValidation(false));

    private final EventLoopGroup group;
    private final List<EventLoop> loops = new ArrayList<>();
    private final String host;
    private final int port;
    private final String hostHeader;

    /** @param target the balancer, {@code http://host:port}; one event loop per core */
    public LoadGenerator(URI target) {
        this(target, Runtime.getRuntime().availableProcessors());
    }

    public LoadGenerator(URI target, int threads) {
        if (!"http".equals(target.getScheme()) || target.getHost() == null) {
            throw new IllegalArgumentException("not an http://host:port URL: " + target);
        }
        this.host = target.getHost();
        this.port = target.getPort() == -1 ? 80 : target.getPort();
        this.hostHeader = host + ":" + port;
        this.group = new MultiThreadIoEventLoopGroup(Math.max(1, threads), NioIoHandler.newFactory());
        group.forEach(executor -> loops.add((EventLoop) executor));
    }

    /**
     * Sends every request of {@code workload} as {@code plan} says and waits until each has been answered, failed
     * or (open loop) given up.
     *
     * @param progress told the workload index of every request that ended, from the generator's threads: keep it
     *                 cheap and thread-safe
     */
    public LoadResult run(List<LoadRequest> workload, LoadPlan plan, IntConsumer progress) {
        List<LoadRequest> requests = List.copyOf(workload);
        int shards = Math.max(1, Math.min(loops.size(), Math.min(plan.concurrency(), requests.size())));
        Outcome[] outcomes = new Outcome[requests.size()];
        List<Run> runs = new ArrayList<>();
        for (int k = 0; k < shards; k++) {
            int[] indices = new int[(requests.size() - k + shards - 1) / shards];
            for (int p = 0; p < indices.length; p++) {
                indices[p] = k + p * shards;
            }
            int connections = plan.concurrency() / shards + (k < plan.concurrency() % shards ? 1 : 0);
            runs.add(new Run(this, loops.get(k), requests, indices, connections, plan, outcomes, progress));
        }
        try {
            CompletableFuture.allOf(runs.stream().map(Run::connect).toArray(CompletableFuture[]::new)).join();
            long start = System.nanoTime();
            runs.forEach(run -> run.begin(start));
            List<Run.Shard> done = runs.stream().map(run -> run.done().join()).toList();
            Histogram latency = new Histogram(LoadResult.HIGHEST_MICROS, 3);
            int unsent = 0;
            long lastEnd = 0;
            for (Run.Shard shard : done) {
                latency.add(shard.latencyMicros());
                unsent += shard.unsent();
                lastEnd = Math.max(lastEnd, shard.lastEnd());
            }
            return new LoadResult(outcomes, latency, unsent, lastEnd, start);
        } catch (CompletionException e) {
            runs.forEach(Run::abort);
            throw new IllegalStateException("load run failed: " + e.getCause(), e.getCause());
        }
    }

    public LoadResult run(List<LoadRequest> workload, LoadPlan plan) {
        return run(workload, plan, index -> {});
    }

    String hostHeader() {
        return hostHeader;
    }

    /** A bootstrap on {@code loop} whose channels report to {@code slot}. */
    Bootstrap bootstrap(Slot slot, EventLoop loop, int connectTimeoutMillis) {
        return new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .remoteAddress(host, port)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpResponseDecoder(DECODER), slot);
                    }
                });
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
