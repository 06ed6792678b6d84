package io.drover.identity;

import java.util.Locale;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.support.Redactor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The identity-verification hash of a browser's userId: hex HMAC-SHA256 of the userId under the source's secret, as
 * a site's backend computes it with any HMAC library (the expected values below come from Python's {@code hmac} and
 * Node's {@code crypto}, not from this class).
 */
class UserHashTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String SECRET = "uhs_test_0123456789abcdef0123456789abcdef";
    /** python3 -c "import hmac,hashlib; print(hmac.new(SECRET, b'user-42', hashlib.sha256).hexdigest())" */
    private static final String USER_42 = "be129bbebfaddce50179affd1d92705d2f14620bfae7c9655a4cb4f86784ef8a";

    @Test
    void theHashIsTheHexHmacSha256OfTheUserIdUnderTheSecret() {
        // The published example of HMAC-SHA256 ("key", "The quick brown fox jumps over the lazy dog").
        assertThat(UserHash.of("key", "The quick brown fox jumps over the lazy dog"))
                .isEqualTo("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
        assertThat(UserHash.of(SECRET, "user-42")).isEqualTo(USER_42);
        assertThat(UserHash.verifies(SECRET, "user-42", USER_42)).isTrue();
        // Both as UTF-8 (Python: 'sécret-...'.encode(), 'usér-ß'.encode()).
        assertThat(UserHash.verifies("sécret-ünïcode-0123456789abcdefghij", "usér-ß",
                "89eb78273357daf2fa515d5d0b1b6bff859342c34631e456d5d8b9bb25b997b2")).isTrue();
    }

    @Test
    void hexIsReadInEitherCase() {
        assertThat(UserHash.verifies(SECRET, "user-42", USER_42.toUpperCase(Locale.ROOT))).isTrue();
        String mixed = USER_42.substring(0, 10).toUpperCase(Locale.ROOT) + USER_42.substring(10);
        assertThat(UserHash.verifies(SECRET, "user-42", mixed)).isTrue();
    }

    @Test
    void anyOtherHashIsRefused() {
        // Wrong in its first byte, in its last, truncated, too long, not hex, another user's, another secret's.
        assertThat(UserHash.verifies(SECRET, "user-42", flip(USER_42, 0))).isFalse();
        assertThat(UserHash.verifies(SECRET, "user-42", flip(USER_42, USER_42.length() - 1))).isFalse();
        assertThat(UserHash.verifies(SECRET, "user-42", USER_42.substring(0, 62))).isFalse();
        assertThat(UserHash.verifies(SECRET, "user-42", USER_42.substring(0, 32))).isFalse();
        assertThat(UserHash.verifies(SECRET, "user-42", USER_42 + "00")).isFalse();
        assertThat(UserHash.verifies(SECRET, "user-42", "zz" + USER_42.substring(2))).isFalse();
        assertThat(UserHash.verifies(SECRET, "user-42", "")).isFalse();
        assertThat(UserHash.verifies(SECRET, "user-43", USER_42)).isFalse();
        assertThat(UserHash.verifies(SECRET + "x", "user-42", USER_42)).isFalse();
        // The hash of the empty user id proves nothing about another one.
        assertThat(UserHash.verifies(SECRET, "user-42", UserHash.of(SECRET, ""))).isFalse();
    }

    @Test
    void withoutASecretNothingVerifies() {
        // A source without user-hash-secret: no hash is right, not even the HMAC under an empty key (Python:
        // hmac.new(b"", b"user-42", hashlib.sha256)).
        String emptyKeyHash = "a23888e155f086b93aa1a5a0a0e63b96c680c1a11628a841bb45511e2dc69ca2";
        for (String secret : new String[] {null, ""}) {
            assertThat(UserHash.verifies(secret, "user-42", USER_42)).isFalse();
            assertThat(UserHash.verifies(secret, "user-42", emptyKeyHash)).isFalse();
        }
        assertThat(UserHash.verifies(SECRET, "user-42", null)).isFalse();
        assertThat(UserHash.verifies(SECRET, null, USER_42)).isFalse();
    }

    @Test
    void theComparisonIsOfTheWholeHashWhereverItDiffers() {
        // MessageDigest.isEqual compares every byte whatever the first difference (constant time); its time is not
        // measured here (a timing test would be noise on a shared machine). What this checks: a difference in any one
        // byte refuses, so the comparison reads all 32.
        for (int i = 0; i < USER_42.length(); i += 2) {
            assertThat(UserHash.verifies(SECRET, "user-42", flip(USER_42, i))).as("byte %d", i / 2).isFalse();
        }
    }

    @Test
    void takeRemovesTheHashFromTheEvent() throws Exception {
        ObjectNode event = (ObjectNode) MAPPER.readTree("""
                {"type":"identify","userId":"user-42","context":{"userHash":"%s","ip":"1.2.3.4"}}""".formatted(USER_42));
        assertThat(UserHash.take(event)).isEqualTo(USER_42);
        assertThat(event.get("context").has("userHash")).isFalse();
        assertThat(event.at("/context/ip").asText()).isEqualTo("1.2.3.4");
        // Not a string: removed all the same, and proves nothing.
        ObjectNode odd = (ObjectNode) MAPPER.readTree("{\"context\":{\"userHash\":{\"h\":1}}}");
        assertThat(UserHash.take(odd)).isNull();
        assertThat(odd.get("context").has("userHash")).isFalse();
        assertThat(UserHash.take((ObjectNode) MAPPER.readTree("{\"userId\":\"u\"}"))).isNull();
    }

    @Test
    void aUserHashQuotedInALogLineIsMasked() {
        String line = "refused {\"userId\":\"user-42\",\"context\":{\"userHash\" : \"" + USER_42 + "\"}}";
        assertThat(Redactor.redact(line)).doesNotContain(USER_42).contains("\"userHash\" : \"" + Redactor.MASK + "\"");
        assertThat(Redactor.redact("{\"user_hash\":\"" + USER_42 + "\"}")).doesNotContain(USER_42);
    }

    private static String flip(String hex, int at) {
        char c = hex.charAt(at);
        return hex.substring(0, at) + (c == '0' ? '1' : '0') + hex.substring(at + 1);
    }
}
