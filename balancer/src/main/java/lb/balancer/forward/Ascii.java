package lb.balancer.forward;

import java.nio.ByteBuffer;

/**
 * Byte-level helpers for HTTP/1.1 heads. Heads are parsed and rewritten as byte ranges so the data path creates no
 * per-header strings; only the request key and path ever become {@code String}s.
 */
final class Ascii {

    static final byte CR = '\r';
    static final byte LF = '\n';
    static final byte[] CRLF = {CR, LF};

    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) TCHAR[c] = true;
        for (char c = 'a'; c <= 'z'; c++) TCHAR[c] = true;
        for (char c = 'A'; c <= 'Z'; c++) TCHAR[c] = true;
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) TCHAR[c] = true;
    }

    private Ascii() {}

    /** RFC 9110 token character (method and header-name bytes). */
    static boolean isTchar(byte b) {
        return b > 0 && TCHAR[b];
    }

    private static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }

    /** Whether {@code b[off, off+len)} equals {@code lowerCase} ignoring ASCII case ({@code lowerCase} is lower-case). */
    static boolean equalsLower(byte[] b, int off, int len, byte[] lowerCase) {
        if (len != lowerCase.length) return false;
        for (int i = 0; i < len; i++) {
            if (lower(b[off + i]) != lowerCase[i]) return false;
        }
        return true;
    }

    /** Case-insensitive comparison of two ranges of {@code b}. */
    static boolean equalsIgnoreCase(byte[] b, int off1, int len1, int off2, int len2) {
        if (len1 != len2) return false;
        for (int i = 0; i < len1; i++) {
            if (lower(b[off1 + i]) != lower(b[off2 + i])) return false;
        }
        return true;
    }

    static byte[] bytes(String ascii) {
        return ascii.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Writes an ASCII string without encoding it into a temporary array (replica names are ASCII). */
    static void put(ByteBuffer out, String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            out.put(ascii(s.charAt(i)));
        }
    }

    /** {@code s} as the bytes {@link #put} writes, for a string written many times. */
    static byte[] asciiBytes(String s) {
        byte[] b = new byte[s.length()];
        for (int i = 0; i < b.length; i++) {
            b[i] = ascii(s.charAt(i));
        }
        return b;
    }

    private static byte ascii(char c) {
        return c < 0x80 ? (byte) c : (byte) '?';
    }

    static void putDecimal(ByteBuffer out, long v) {
        if (v == 0) {
            out.put((byte) '0');
            return;
        }
        int start = out.position();
        while (v > 0) {
            out.put((byte) ('0' + v % 10));
            v /= 10;
        }
        // Digits were written least significant first; reverse them in place.
        for (int i = start, j = out.position() - 1; i < j; i++, j--) {
            byte t = out.get(i);
            out.put(i, out.get(j));
            out.put(j, t);
        }
    }

    /** Writes {@code v} (positive) in lower-case hex, as a chunk size. */
    static void putHex(ByteBuffer out, int v) {
        int shift = 28;
        while (shift > 0 && (v >>> shift) == 0) shift -= 4;
        for (; shift >= 0; shift -= 4) {
            out.put((byte) "0123456789abcdef".charAt((v >>> shift) & 0xf));
        }
    }

    /** Parses a non-negative decimal, or returns -1 when the range is empty, not all digits, or absurdly large. */
    static long parseDecimal(byte[] b, int from, int to) {
        if (from >= to || to - from > 15) return -1;
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) return -1;
            v = v * 10 + d;
        }
        return v;
    }

    /** Index of the first LF in {@code b[from, to)}, or -1. */
    static int indexOfLf(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == LF) return i;
        }
        return -1;
    }
}
