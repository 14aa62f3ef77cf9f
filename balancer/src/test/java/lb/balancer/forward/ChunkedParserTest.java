package lb.balancer.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChunkedParserTest {

    private static final String MESSAGE = "4\r\nWiki\r\n6;name=value\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nT: 1\r\n\r\nNEXT";

    @Test
    void extractsTheDataAndStopsAtTheEndOfTheMessage() {
        byte[] b = MESSAGE.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        ChunkedParser p = new ChunkedParser();
        p.reset();
        int stop = p.parse(b, 0, b.length, (a, off, len) -> data.write(a, off, len));
        assertTrue(p.done());
        assertEquals("Wikipedia in \r\n\r\nchunks.", data.toString(StandardCharsets.ISO_8859_1));
        assertEquals("NEXT", new String(b, stop, b.length - stop, StandardCharsets.ISO_8859_1));
    }

    @Test
    void givesTheSameResultWhenFedOneByteAtATime() {
        byte[] b = MESSAGE.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        ChunkedParser p = new ChunkedParser();
        p.reset();
        int i = 0;
        while (!p.done()) {
            int stop = p.parse(b, i, i + 1, (a, off, len) -> data.write(a, off, len));
            assertTrue(stop >= 0);
            i = stop;
        }
        assertEquals("Wikipedia in \r\n\r\nchunks.", data.toString(StandardCharsets.ISO_8859_1));
        assertEquals(b.length - 4, i);
    }

    @Test
    void rejectsMalformedFraming() {
        for (String bad : new String[] {"x\r\n", "\r\n", "3\r\nabcX", "FFFFFFFFFFFF\r\n"}) {
            byte[] b = bad.getBytes(StandardCharsets.ISO_8859_1);
            ChunkedParser p = new ChunkedParser();
            p.reset();
            assertEquals(ChunkedParser.MALFORMED, p.parse(b, 0, b.length, null), bad);
            assertFalse(p.done());
        }
    }

    @Test
    void aChunkSizeWithWhitespaceInsideIsMalformedNotTheFirstNumber() {
        // Before: "1 2" was read as a chunk of 1 with the extension " 2".
        for (String bad : new String[] {"1 2\r\n", "1\t2\r\n", "1 x\r\n", "1;a\u0000\r\n"}) {
            byte[] b = bad.getBytes(StandardCharsets.ISO_8859_1);
            ChunkedParser p = new ChunkedParser();
            p.reset();
            assertEquals(ChunkedParser.MALFORMED, p.parse(b, 0, b.length, null), bad);
        }
        byte[] ok = "1 ;ext=1\r\nx\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        ChunkedParser p = new ChunkedParser();
        p.reset();
        assertEquals(ok.length, p.parse(ok, 0, ok.length, null));
        assertTrue(p.done(), "whitespace before an extension is BWS and allowed");
    }
}
