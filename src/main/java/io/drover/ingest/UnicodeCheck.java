package io.drover.ingest;

/**
 * Refuses JSON text that is not valid Unicode, before it is parsed: malformed or overlong UTF-8, UTF-8-encoded
 * surrogates and code points past U+10FFFF, and {@code \\u} escapes that leave a surrogate unpaired ({@code "\\ud800"}).
 * Jackson reads all of these without complaint and writes them back out, and vendors then refuse or mangle the
 * event; Drover answers 400 instead (never replaces them: a replaced id would silently become another id).
 *
 * <p>One pass over the bytes, ASCII first. Backslashes occur only inside strings in valid JSON, so an escape is
 * recognised without tracking where strings begin.
 */
final class UnicodeCheck {

    private UnicodeCheck() {
    }

    static void require(byte[] json) {
        int i = 0;
        int n = json.length;
        boolean pendingHigh = false;   // the last escape was a high surrogate: the next must be a \\u low one
        while (i < n) {
            if (!pendingHigh && i + 8 <= n) {
                // Eight bytes at a time while they are ASCII without a backslash (nearly all of an event): this
                // check was the busiest single method of ingestion under batches, byte by byte.
                long w = (long) LONGS.get(json, i);
                if ((w & HIGH_BITS) == 0 && !hasBackslash(w)) {
                    i += 8;
                    continue;
                }
            }
            int b = json[i];
            if (b >= 0) {
                if (b == '\\' && i + 1 < n) {
                    if (json[i + 1] == 'u' && i + 5 < n) {
                        int unit = hex(json, i + 2);
                        boolean high = unit >= 0xD800 && unit <= 0xDBFF;
                        boolean low = unit >= 0xDC00 && unit <= 0xDFFF;
                        if (low != pendingHigh) {
                            throw unpaired();
                        }
                        pendingHigh = high;
                        i += 6;
                        continue;
                    }
                    if (pendingHigh) {
                        throw unpaired();
                    }
                    i += 2;
                    continue;
                }
                if (pendingHigh) {
                    throw unpaired();
                }
                i++;
                continue;
            }
            if (pendingHigh) {
                throw unpaired();
            }
            i = multiByte(json, i);
        }
        if (pendingHigh) {
            throw unpaired();
        }
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long ONES = 0x0101010101010101L;

    /** Whether one of eight ASCII bytes is a backslash (the classic zero-byte test on {@code w ^ '\\'...}). */
    private static boolean hasBackslash(long w) {
        long x = w ^ (ONES * '\\');
        return ((x - ONES) & ~x & HIGH_BITS) != 0;
    }

    /** Checks one UTF-8 sequence of 2 to 4 bytes at {@code i} (RFC 3629, table 3-7 of the Unicode standard). */
    private static int multiByte(byte[] s, int i) {
        int b0 = s[i] & 0xff;
        int length;
        int min2 = 0x80;
        int max2 = 0xbf;
        if (b0 >= 0xc2 && b0 <= 0xdf) {
            length = 2;
        } else if (b0 >= 0xe0 && b0 <= 0xef) {
            length = 3;
            if (b0 == 0xe0) {
                min2 = 0xa0;              // overlong
            } else if (b0 == 0xed) {
                max2 = 0x9f;              // a surrogate, encoded
            }
        } else if (b0 >= 0xf0 && b0 <= 0xf4) {
            length = 4;
            if (b0 == 0xf0) {
                min2 = 0x90;              // overlong
            } else if (b0 == 0xf4) {
                max2 = 0x8f;              // past U+10FFFF
            }
        } else {
            throw invalid();              // a continuation byte alone, 0xc0, 0xc1 (overlong) or 0xf5-0xff
        }
        if (i + length > s.length) {
            throw invalid();
        }
        int b1 = s[i + 1] & 0xff;
        if (b1 < min2 || b1 > max2) {
            throw invalid();
        }
        for (int k = 2; k < length; k++) {
            int b = s[i + k] & 0xff;
            if (b < 0x80 || b > 0xbf) {
                throw invalid();
            }
        }
        return i + length;
    }

    private static int hex(byte[] s, int at) {
        int v = 0;
        for (int k = at; k < at + 4; k++) {
            int d = Character.digit(s[k], 16);
            if (d < 0) {
                return -1;   // not a valid escape: the JSON parser says so
            }
            v = v * 16 + d;
        }
        return v;
    }

    private static IngestException invalid() {
        return IngestException.badRequest("invalid_unicode", "the body is not valid UTF-8");
    }

    private static IngestException unpaired() {
        return IngestException.badRequest("invalid_unicode",
                "the body holds a \\u escape of an unpaired surrogate (not a Unicode character)");
    }
}
