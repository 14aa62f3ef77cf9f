package lb.balancer.forward;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * One event loop's reusable I/O buffers, all {@value #SIZE} bytes (HAProxy's {@code bufsize}). A connection holds
 * buffers only while bytes are in them and gives them back when it goes idle, so an idle keep-alive connection costs
 * no buffer memory, and nothing is ever sized by what a client declares.
 *
 * <p>Two kinds: heap buffers for bytes that are parsed in place (request and response heads), direct ones for bytes
 * that are only written (the JDK copies a heap buffer into a direct one on every write). Loop-confined.
 */
final class BufferPool {

    /** Every buffer's size; a head must fit in one with room to rewrite it (see {@link HttpHead#MAX_HEAD}). */
    static final int SIZE = 16 * 1024;
    /** Buffers kept for reuse per kind; beyond this, released buffers are left to the garbage collector. */
    private static final int KEEP = 512;

    private final DataPathCounters counters;
    private final ArrayDeque<ByteBuffer> heap = new ArrayDeque<>();
    private final ArrayDeque<ByteBuffer> direct = new ArrayDeque<>();

    BufferPool(DataPathCounters counters) {
        this.counters = counters;
    }

    /** A cleared heap buffer (write mode). */
    ByteBuffer heap() {
        ByteBuffer b = heap.pollLast();
        if (b != null) return b;
        counters.allocated(SIZE);
        return ByteBuffer.allocate(SIZE);
    }

    /** A cleared direct buffer (write mode). */
    ByteBuffer direct() {
        ByteBuffer b = direct.pollLast();
        if (b != null) return b;
        counters.allocated(SIZE);
        return ByteBuffer.allocateDirect(SIZE);
    }

    /** Takes {@code b} back; the caller must not touch it afterwards. Null is ignored. */
    void release(ByteBuffer b) {
        if (b == null) return;
        b.clear();
        ArrayDeque<ByteBuffer> kind = b.isDirect() ? direct : heap;
        if (kind.size() < KEEP) kind.addLast(b);
    }

    int pooled() {
        return heap.size() + direct.size();
    }
}
