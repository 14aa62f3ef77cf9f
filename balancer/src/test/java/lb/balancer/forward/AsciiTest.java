package lb.balancer.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AsciiTest {

    private static byte[] put(String s) {
        ByteBuffer out = ByteBuffer.allocate(64);
        Ascii.put(out, s);
        byte[] b = new byte[out.position()];
        out.flip().get(b);
        return b;
    }

    @Test
    void asciiBytesAreWhatPutWrites() {
        for (String s : new String[] {"", "Server1", "replica-é", "名前", "a\u007fb"}) {
            assertArrayEquals(put(s), Ascii.asciiBytes(s), s);
        }
        assertEquals("replica-?", new String(Ascii.asciiBytes("replica-é"), StandardCharsets.ISO_8859_1),
                "a non-ASCII character becomes '?', never a byte of its encoding");
    }
}
