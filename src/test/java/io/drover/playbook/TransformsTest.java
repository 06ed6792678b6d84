package io.drover.playbook;

import static io.drover.playbook.Playbooks.apply;
import static io.drover.playbook.Playbooks.transform;
import static io.drover.testing.JsonTrees.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Each transform on a value at properties.v, mapped to v. */
class TransformsTest {

    private static final String JANE = "8c87b489ce35cf2e2f39f80e282cb2e804932a56a213983eeeb428407d43b52d";

    private static String playbook(String transforms) {
        return """
                global:
                  mappings:
                    - inputKey: properties.v
                      outputKey: v
                      transforms: %s
                """.formatted(transforms);
    }

    private static String event(String value) {
        return "{\"type\":\"track\",\"event\":\"X\",\"properties\":{\"v\":" + value + "}}";
    }

    private static void check(String transforms, String value, String expectedOutput) {
        assertSameJson(transform(playbook(transforms), event(value)), expectedOutput);
    }

    private static String failure(String transforms, String value) {
        Result result = apply(playbook(transforms), event(value));
        assertThat(result.outcome()).as(result.toString()).isEqualTo(Result.Outcome.FAILED);
        return result.reason();
    }

    @Test
    void lowercaseUppercaseAndTrim() {
        check("[lowercase]", "\" Jane@Example.COM \"", "{\"v\":\" jane@example.com \"}");
        check("[uppercase]", "\"usd\"", "{\"v\":\"USD\"}");
        check("[trim]", "\"\\t a b \\n\"", "{\"v\":\"a b\"}");
        check("[lowercase]", "12", "{\"v\":\"12\"}"); // text transforms give text
    }

    @Test
    void sha256HashesTheNormalisedValueOnce() {
        check("[trim, lowercase, sha256]", "\"  Jane@Example.com \"", "{\"v\":\"" + JANE + "\"}");
        check("[sha256]", "\"" + JANE + "\"", "{\"v\":\"" + JANE + "\"}");
        check("[sha256]", "\"" + JANE.toUpperCase() + "\"", "{\"v\":\"" + JANE.toUpperCase() + "\"}");
        check("[sha256]", "15551234567", "{\"v\":\"d6736136ea896c1bfdc553e0e86e702c70d060d805696ca3e4e9e0961353860a\"}");
    }

    @Test
    void sha256OfAnEmptyStringIsNoValue() {
        check("[trim, sha256]", "\"  \"", "{}");
    }

    @Test
    void scalarTransformsWorkOnEachElementOfAnArray() {
        check("[trim, lowercase, sha256]", "[\"Jane@example.com \", null, \"a@b.co\"]",
                "{\"v\":[\"" + JANE + "\", null, \"80305c9bb1bb2480e03894350e0a8a366dcbdeb302e69e0817aa0743abd77054\"]}");
    }

    @Test
    void toStringOfScalarsAndObjects() {
        check("[toString]", "12.5", "{\"v\":\"12.5\"}");
        check("[toString]", "true", "{\"v\":\"true\"}");
        check("[toString]", "{\"a\":1}", "{\"v\":\"{\\\"a\\\":1}\"}");
    }

    @Test
    void toFloat() {
        check("[toFloat]", "\" 12.50 \"", "{\"v\":12.5}");
        check("[toFloat]", "3", "{\"v\":3.0}");
        assertThat(failure("[toFloat]", "\"abc\"")).isEqualTo(
                "global.mappings[0] (properties.v -> v): transforms[0] (toFloat): cannot convert a string that is not a number");
    }

    @Test
    void toIntegerDropsTheFraction() {
        check("[toInteger]", "\"12.9\"", "{\"v\":12}");
        check("[toInteger]", "-3.7", "{\"v\":-3}");
        assertThat(failure("[toInteger]", "\"abc\"")).isEqualTo(
                "global.mappings[0] (properties.v -> v): transforms[0] (toInteger): cannot convert a string that is not a number");
        assertThat(failure("[toInteger]", "true")).endsWith("(toInteger): cannot convert a boolean");
        assertThat(failure("[toInteger]", "1e30")).endsWith("(toInteger): the number is too large for an integer");
    }

    @Test
    void toBoolean() {
        check("[toBoolean]", "\"Yes\"", "{\"v\":true}");
        check("[toBoolean]", "\"0\"", "{\"v\":false}");
        check("[toBoolean]", "0", "{\"v\":false}");
        check("[toBoolean]", "2.5", "{\"v\":true}");
        assertThat(failure("[toBoolean]", "\"maybe\"")).endsWith(
                "(toBoolean): cannot convert a string other than true/false/yes/no/1/0");
    }

    @Test
    void roundHalfUp() {
        check("[{round: 2}]", "12.345", "{\"v\":12.35}");
        check("[{round: 2}]", "\"7.1\"", "{\"v\":7.1}");
        check("[round]", "12.5", "{\"v\":13}");
        check("[{round: 0}]", "-2.5", "{\"v\":-3}");
    }

    @Test
    void joinAnArray() {
        check("[{join: \",\"}]", "[\"a\", \"b\", null, 3]", "{\"v\":\"a,b,3\"}");
        check("[{join: \", \"}]", "\"single\"", "{\"v\":\"single\"}");
        assertThat(failure("[{join: \",\"}]", "[{\"a\":1}]")).endsWith("(join): cannot join an object inside the array");
    }

    @Test
    void splitOnALiteralSeparator() {
        check("[{split: \".\"}]", "\"a.b..c\"", "{\"v\":[\"a\",\"b\",\"\",\"c\"]}");
        check("[{split: \",\"}, trim]", "\"x, y\"", "{\"v\":[\"x\",\"y\"]}");
    }

    @Test
    void replaceWithARegularExpression() {
        check("[{replace: {pattern: \"[^0-9]\"}}]", "\"+1 (555) 123-4567\"", "{\"v\":\"15551234567\"}");
        check("[{replace: {pattern: \"^(\\\\w+)@(.*)$\", replacement: \"$2/$1\"}}]", "\"jane@example.com\"",
                "{\"v\":\"example.com/jane\"}");
    }

    @Test
    void substringCountsCharactersNotUtf16Units() {
        check("[{substring: {start: 0, end: 5}}]", "\"Hello, world\"", "{\"v\":\"Hello\"}");
        check("[{substring: {start: 7}}]", "\"Hello, world\"", "{\"v\":\"world\"}");
        check("[{substring: {start: 1, end: 2}}]", "\"\uD83D\uDC4Dab\"", "{\"v\":\"a\"}");
        check("[{substring: {start: 50}}]", "\"short\"", "{\"v\":\"\"}");
    }

    @Test
    void truncate() {
        check("[{truncate: 3}]", "\"abcdef\"", "{\"v\":\"abc\"}");
        check("[{truncate: 10}]", "\"abc\"", "{\"v\":\"abc\"}");
        check("[{truncate: 1}]", "\"\uD83D\uDC4Dab\"", "{\"v\":\"\uD83D\uDC4D\"}");
    }

    @Test
    void anObjectFailsAScalarTransform() {
        assertThat(failure("[lowercase]", "{\"a\":1}")).isEqualTo(
                "global.mappings[0] (properties.v -> v): transforms[0] (lowercase): cannot transform an object");
    }

    @Test
    void transformsRunInOrder() {
        check("[{replace: {pattern: \" +\", replacement: \"-\"}}, uppercase, {truncate: 5}]", "\"ab cd  ef\"",
                "{\"v\":\"AB-CD\"}");
    }

    // MetaRouter parity (docs/playbooks.md, "MetaRouter's transforms"): the ones Drover did not have.

    @Test
    void hashWithTheAlgorithmNamed() {
        check("[{hash: md5}]", "\"jane@example.com\"", "{\"v\":\"9e26471d35a78862c17e467d87cddedf\"}");
        check("[{hash: sha1}]", "\"abc\"", "{\"v\":\"a9993e364706816aba3e25717850c26c9cd0d89d\"}");
        check("[{hash: sha256}]", "\" Jane@Example.com\"", "{\"v\":\"" + sha256Of(" Jane@Example.com") + "\"}");
        check("[{hash: sha512}]", "\"abc\"", "{\"v\":\"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f\"}");
        check("[{hash: md5}]", "\"\"", "{}");
        assertThat(compileError("[{hash: crc32}]")).contains("unknown hash 'crc32' (known: md5, sha1, sha256, sha512)");
    }

    @Test
    void truncateFloatCutsDecimalsWithoutRounding() {
        check("[{truncateFloat: 2}]", "12.349", "{\"v\":12.34}");
        check("[{truncateFloat: 1}]", "\"-3.79\"", "{\"v\":-3.7}");
        check("[{truncateFloat: 0}]", "9.99", "{\"v\":9}");
        check("[{round: 2}]", "12.349", "{\"v\":12.35}"); // the rounding one, for contrast
    }

    @Test
    void pluckTakesOneKeyOfEachObject() {
        check("[{pluck: sku}]", "[{\"sku\":\"A\"},{\"n\":1},{\"sku\":\"B\"}]", "{\"v\":[\"A\",\"B\"]}");
        check("[{pluck: sku}, {join: \",\"}]", "[{\"sku\":\"A\"},{\"sku\":\"B\"}]", "{\"v\":\"A,B\"}");
        check("[{pluck: sku}]", "{\"sku\":\"A\"}", "{\"v\":\"A\"}");
        assertThat(failure("[{pluck: sku}]", "\"text\"")).contains("cannot pluck from a string");
    }

    @Test
    void wrapMakesAnObjectOfTheValue() {
        check("[{wrap: {key: idValue, with: {idType: SHA256_EMAIL} } }]", "\"h1\"",
                "{\"v\":{\"idType\":\"SHA256_EMAIL\",\"idValue\":\"h1\"}}");
        check("[{wrap: {key: id} }]", "[\"a\",\"b\"]", "{\"v\":[{\"id\":\"a\"},{\"id\":\"b\"}]}");
        assertThat(compileError("[{wrap: {with: {a: 1} } }]")).contains("'key' is required");
    }

    @Test
    void sumAddsUpAnArraysNumbers() {
        check("[sum]", "[2, 1, null, \"3\"]", "{\"v\":6}");
        check("[sum]", "[0.5, 0.25]", "{\"v\":0.75}");
        check("[sum]", "4", "{\"v\":4}");
        assertThat(failure("[sum]", "[1, \"x\"]")).contains("sum");
    }

    private static String compileError(String transforms) {
        return org.assertj.core.api.Assertions.catchThrowableOfType(PlaybookException.class,
                () -> Playbooks.compile(playbook(transforms))).getMessage();
    }

    private static String sha256Of(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
