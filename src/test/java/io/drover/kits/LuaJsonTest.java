package io.drover.kits;

import java.time.Instant;
import java.util.List;

import io.drover.destinations.JsonText;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaValue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fast paths of a kit's cost per event give what the slow ones gave: a request body written straight from the
 * Lua tables is the text the JSON tree made (every kind of value, the bounds), and the hand-read common timestamp
 * is the instant java.time reads.
 */
class LuaJsonTest {

    private final LuaSandbox lua = new LuaSandbox(Helpers.library());

    private LuaValue run(String body) {
        return lua.run(LuaSandbox.compile("test", body), LuaSandbox.Bounds.DEFAULT, "input",
                LuaJson.toLua(io.drover.destinations.GoldenFiles.event("order-completed")), null, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "return {a = 1, b = 2.5, c = 3.0, d = 1e300, e = -0.1, f = 2^53, g = 0/0, h = 1/0, i = -7}",
        "return {s = 'quote \" backslash \\\\ slash / tab \\t nl \\n nul \\0 bell \\7', u = 'é ü ß 日本 😀'}",
        "return {t = true, f = false, list = {1, 'two', {three = 3}}, empty = {}, fn = function() end}",
        "return {1, nil, 3}",
        "return {print, 2}",
        "return {[1] = 'number key', ['1'] = 'text key', x = 'y'}",
        "return {[2] = 'b', [3] = 'c'}",
        "return {products = input.properties.products, none = input.properties.missing, ctx = input.context}",
        "return {a = {b = {c = {d = {e = {f = 'deep'}}}}}}",
        "return input",
        "return MAP(input.properties.products, function (p) return {id = p.product_id, q = p.quantity or 1} end)",
        "return SPLIT('a,b,c', ',')",
        "return {[true] = 1, k = 2}",
    })
    void aBodyWrittenFromTheTablesIsTheTextTheJsonTreeMade(String script) throws Exception {
        LuaValue v = run(script);
        assertThat(LuaJson.toJsonText(v)).as(script).isEqualTo(JsonText.of(LuaJson.toJson(v)));
    }

    @Test
    void theBoundsHoldAsForTheTree() {
        LuaValue self = run("local t = {} t.me = t return t");
        assertThatThrownBy(() -> LuaJson.toJsonText(self)).hasMessageContaining("nested deeper");
        LuaValue huge = run("local t = {} for i = 1, 100001 do t[i] = i end return t");
        assertThatThrownBy(() -> LuaJson.toJsonText(huge)).hasMessageContaining("too large");
        LuaValue fits = run("local t = {} for i = 1, 99999 do t[i] = i end return t");
        assertThat(LuaJson.toJsonText(fits)).startsWith("[1,2,3,");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "2024-11-28T08:02:00.000Z", "2024-11-28T08:02:00Z", "2024-11-28t08:02:00z", "2024-11-28T08:02:00.5+01:00",
        "2024-11-28T08:02:00.123456789-05:30", "2024-02-29T23:59:59Z", "2023-02-29T10:00:00Z", "2024-04-31T10:00:00Z",
        "2024-13-01T10:00:00Z", "2024-11-28T24:00:00Z", "2024-11-28T08:60:00Z", "2024-11-28T08:02:60Z",
        "2024-11-28T08:02:00.1234567890Z", "2024-11-28T08:02:00.Z", "2024-11-28T08:02:00+18:00",
        "2024-11-28T08:02:00+18:30", "2024-11-28T08:02:00-00:00", "2024-11-28T08:02:00", "2024-11-28T08:02Z",
        "2024-11-28 08:02:00Z", " 2024-11-28T08:02:00Z", "2024-11-28T08:02:00+0100", "0000-01-01T00:00:00Z",
        "2024-1a-28T08:02:00Z", "not a date at all, long", "2024-11-28T08:02:00.000+01:00:30",
    })
    void timestampsAreReadAsJavaTimeReadsThem(String text) {
        assertThat(GoTime.parseRfc3339(text)).as(text).isEqualTo(javaTime(text.trim()));
    }

    private static Instant javaTime(String text) {
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            try {
                return java.time.LocalDateTime.parse(text).toInstant(java.time.ZoneOffset.UTC);
            } catch (java.time.format.DateTimeParseException e2) {
                return null;
            }
        }
    }
}
