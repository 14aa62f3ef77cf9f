package lb.hashring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RequestKeysTest {

    @Test
    void decimalKeysAreUsedAsNumbers() {
        assertEquals(123456, RequestKeys.toNumber("123456"));
        assertEquals(0, RequestKeys.toNumber("0"));
        assertEquals(7, RequestKeys.toNumber("007"));
        assertEquals(Long.MAX_VALUE, RequestKeys.toNumber("9223372036854775807"));
    }

    @Test
    void otherKeysAreHashedWithFnv1a64MaskedToNonNegative() {
        // Published FNV-1a 64 test vectors: "" → cbf29ce484222325, "a" → af63dc4c8601ec8c,
        // "foobar" → 85944171f73967e8; the sign bit is cleared.
        assertEquals(0x4BF29CE484222325L, RequestKeys.toNumber(""));
        assertEquals(0x2F63DC4C8601EC8CL, RequestKeys.toNumber("a"));
        assertEquals(0x05944171F73967E8L, RequestKeys.toNumber("foobar"));
    }

    @Test
    void signedSpacedOverflowingAndNonAsciiDigitKeysAreHashedNotParsed() {
        String[] notNumbers = {"-5", "+5", " 5", "5 ", "12a", "9223372036854775808", "99999999999999999999",
            "\u0661\u0662\u0663"};
        for (String key : notNumbers) {
            long id = RequestKeys.toNumber(key);
            assertTrue(id >= 0, key);
            assertEquals(id, RequestKeys.toNumber(key), "stable");
            assertTrue(id != 5 && id != 123 && id != 9223372036854775807L, key + " → " + id);
        }
        // Hashing is over UTF-8 bytes: two non-ASCII spellings of the same digits give distinct, stable ids.
        assertTrue(RequestKeys.toNumber("\u0661\u0662\u0663") != RequestKeys.toNumber("\u06F1\u06F2\u06F3"));
    }

    @Test
    void nullKeyIsRejected() {
        assertThrows(NullPointerException.class, () -> RequestKeys.toNumber(null));
    }
}
