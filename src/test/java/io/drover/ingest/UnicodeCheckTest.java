package io.drover.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The check reads eight ASCII bytes at a time: a bad byte or an escape at every position of a word, and random
 * bodies against the JDK's strict UTF-8 decoder (which refuses the same overlong forms, surrogates and code points).
 */
class UnicodeCheckTest {

    @Test
    void aBadByteIsFoundAtEveryPositionOfAWord() {
        for (int at = 0; at < 24; at++) {
            byte[] body = "{\"event\":\"abcdefghijklmnop\"}".getBytes(StandardCharsets.US_ASCII);
            body[at] = (byte) 0xc0;
            byte[] bad = body;
            assertThatThrownBy(() -> UnicodeCheck.require(bad)).as("0xc0 at %d", at).isInstanceOf(IngestException.class);
        }
    }

    @Test
    void anUnpairedEscapeIsFoundWhereverItStarts() {
        for (int pad = 0; pad < 9; pad++) {
            String prefix = "{\"e\":\"" + "x".repeat(pad);
            assertThatThrownBy(() -> check(prefix + "\\ud800x\"}")).as("pad %d", pad).isInstanceOf(IngestException.class);
            assertThatThrownBy(() -> check(prefix + "\\ude80\"}")).as("pad %d", pad).isInstanceOf(IngestException.class);
            check(prefix + "\\ud83d\\ude80 and \\\" and \\\\\"}");
        }
    }

    @Test
    void agreesWithTheStrictDecoderOnRandomBodies() {
        Random random = new Random(42);
        int refused = 0;
        for (int n = 0; n < 20_000; n++) {
            byte[] body = new byte[random.nextInt(40)];
            for (int i = 0; i < body.length; i++) {
                // Mostly ASCII (the fast path), some bytes of every kind; no backslash (escapes are tested above).
                int b = random.nextInt(10) < 8 ? 'a' + random.nextInt(26) : random.nextInt(256);
                body[i] = (byte) (b == '\\' ? 'b' : b);
            }
            boolean valid = strictlyDecodes(body);
            boolean accepted;
            try {
                UnicodeCheck.require(body);
                accepted = true;
            } catch (IngestException e) {
                accepted = false;
                refused++;
            }
            assertThat(accepted).as("body %s", java.util.HexFormat.of().formatHex(body)).isEqualTo(valid);
        }
        assertThat(refused).as("the random bodies include invalid ones").isGreaterThan(1000);
    }

    private static void check(String json) {
        UnicodeCheck.require(json.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean strictlyDecodes(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
