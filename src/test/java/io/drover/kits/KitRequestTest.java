package io.drover.kits;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Batch;
import io.drover.destinations.api.VendorRequest;
import io.drover.destinations.GoldenFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The kit request bean outside a route: a kit written as Forge's YAML makes the same requests as its JSON; the
 * parameters (missing, unknown, defaults); the base URL; a GET's query; batching by the kit's batchSize; an error of
 * one event refusing that event only.
 */
class KitRequestTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<String, String> TIKTOK = Map.of("ACCESS_TOKEN", "tok_123456789", "EVENT_SOURCE_ID", "PIX1");

    @BeforeAll
    static void installed() {
        StarterKits.assumeInstalled();
    }

    @Test
    void aKitInForgesYamlMakesTheSameRequestsAsItsJson(@TempDir Path dir) throws Exception {
        Kit json = StarterKits.kit("tiktok");
        Path yaml = dir.resolve("tiktok");
        Files.createDirectories(yaml);
        Dump dump = new Dump(DumpSettings.builder().build());
        Files.writeString(yaml.resolve("playbook.yaml"), dump.dumpToString(MAPPER.convertValue(json.playbook(), Map.class)));
        Files.writeString(yaml.resolve("connection.yaml"), dump.dumpToString(MAPPER.convertValue(json.connection(), Map.class)));
        List<ObjectNode> events = GoldenFiles.eventNames().stream().map(GoldenFiles::event).toList();
        List<VendorRequest> fromJson = requests(KitRequest.compile(json, TIKTOK, LuaSandbox.Bounds.DEFAULT), events);
        List<VendorRequest> fromYaml = requests(KitRequest.compile(Kit.read(yaml), TIKTOK, LuaSandbox.Bounds.DEFAULT), events);
        assertThat(fromYaml).hasSameSizeAs(fromJson).isNotEmpty();
        for (int i = 0; i < fromJson.size(); i++) {
            assertThat(MAPPER.readTree(fromYaml.get(i).body())).isEqualTo(MAPPER.readTree(fromJson.get(i).body()));
            assertThat(fromYaml.get(i).headers()).isEqualTo(fromJson.get(i).headers());
        }
    }

    @Test
    void aRequiredParameterWithoutAValueOrAnUnknownOneIsAClearError() {
        Kit kit = StarterKits.kit("tiktok");
        assertThatThrownBy(() -> kit.withParams(Map.of("ACCESS_TOKEN", "t")))
                .hasMessage("kit tiktok: no value for parameter EVENT_SOURCE_ID (give it in the module's params)");
        assertThatThrownBy(() -> kit.withParams(Map.of("ACCESS_TOKEN", "t", "EVENT_SOURCE_ID", "p", "ACESS", "x")))
                .hasMessageContaining("kit tiktok has no parameter ACESS (it has API_VERSION, ACCESS_TOKEN, EVENT_SOURCE, EVENT_SOURCE_ID)");
        // Defaults fill in what is not given: API_VERSION v1.3, EVENT_SOURCE web.
        JsonNode c = kit.withParams(TIKTOK).connection();
        assertThat(c.at("/default/endpoint").asText()).isEqualTo("https://business-api.tiktok.com/open_api/v1.3/event/track/");
        assertThat(c.at("/default/transform/body").asText()).contains("event_source = 'web', event_source_id = 'PIX1'");
    }

    @Test
    void theBaseUrlReplacesSchemeHostAndPortOnly() {
        KitRequest bean = new KitRequest();
        bean.setBaseUrl("http://127.0.0.1:9999/");
        assertThat(bean.rebase("https://business-api.tiktok.com/open_api/v1.3/event/track/?a=1"))
                .isEqualTo("http://127.0.0.1:9999/open_api/v1.3/event/track/?a=1");
        assertThat(bean.rebase("https://ct.pinterest.com?tid=1")).isEqualTo("http://127.0.0.1:9999?tid=1");
        bean.setBaseUrl("");
        assertThat(bean.rebase("https://a.example/x")).isEqualTo("https://a.example/x");
    }

    @Test
    void aGetCarriesTheVendorEventAsItsSortedQueryAndNoBody() throws Exception {
        Kit kit = StarterKits.kit("pinterest");
        KitRequest.Compiled c = KitRequest.compile(kit, StarterKits.exampleParams(kit), LuaSandbox.Bounds.DEFAULT);
        List<VendorRequest> r = requests(c, List.of(GoldenFiles.event("order-completed")));
        assertThat(r).hasSize(1);
        VendorRequest get = r.get(0);
        assertThat(get.method()).isEqualTo("GET");
        assertThat(get.body()).isEmpty();
        String query = java.net.URI.create(get.url()).getRawQuery();
        List<String> keys = java.util.Arrays.stream(query.split("&")).map(p -> p.substring(0, p.indexOf('='))).toList();
        assertThat(keys).isSortedAccordingTo(String::compareTo).isNotEmpty();
        assertThat(query).doesNotContain(" ");
    }

    @Test
    void eventsAreCutByTheKitsBatchSizeAndAFailingOneIsRefusedAlone() throws Exception {
        KitRequest.Compiled c = KitRequest.compile(StarterKits.kit("tiktok"), TIKTOK, LuaSandbox.Bounds.DEFAULT);
        List<ObjectNode> events = new java.util.ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            events.add((ObjectNode) GoldenFiles.event("product-viewed").put("messageId", "m-" + i));
        }
        ObjectNode broken = (ObjectNode) GoldenFiles.event("product-viewed").put("messageId", "no-anonymous-id");
        broken.remove("anonymousId");
        events.add(500, broken);
        Batch batch = new Batch();
        List<VendorRequest> r = StarterKits.requests(c, batch, events);
        // TikTok's kit takes 500 events a request.
        assertThat(r).extracting(q -> q.events().size()).containsExactly(500, 500, 1);
        assertThat(batch.rejectionReasons()).hasSize(1);
        assertThat(batch.rejectionReasons().get(broken)).startsWith("lua: tiktok: global.mappings[0] (input -> event_id)");
        assertThat(r.get(1).events().get(0).get("messageId").asText()).isEqualTo("m-500");
    }

    @Test
    void aVendorEventThatIsNotJsonIsRefusedAloneNotWithItsRequest(@TempDir Path dir) throws Exception {
        // A mapping that returns a table holding itself for one event: only that event is refused, the request of
        // the others is sent. (This threw out of the bean, failing the whole batch, before.)
        Path kit = dir.resolve("loop");
        Files.createDirectories(kit);
        Files.writeString(kit.resolve("playbook.json"), """
                {"global": {"mappings": [{"inputKey": "input", "outputKey": "v", "transforms": [{"expression": {
                  "lang": "lua",
                  "body": "if input.messageId == 'bad' then local t = {} t.me = t return t end return input.messageId"
                }}]}]}}""");
        Files.writeString(kit.resolve("connection.json"), """
                {"default": {"endpoint": "https://vendor.example/events", "method": "POST", "batchSize": 10}}""");
        KitRequest.Compiled c = KitRequest.compile(Kit.read(kit), Map.of(), LuaSandbox.Bounds.DEFAULT);
        List<ObjectNode> events = new java.util.ArrayList<>();
        for (String id : List.of("m-1", "bad", "m-2")) {
            events.add((ObjectNode) GoldenFiles.event("product-viewed").put("messageId", id));
        }
        Batch batch = new Batch();
        List<VendorRequest> r = StarterKits.requests(c, batch, events);
        assertThat(r).hasSize(1);
        assertThat(MAPPER.readTree(r.get(0).body()).findValuesAsText("v")).containsExactly("m-1", "m-2");
        assertThat(batch.rejectionReasons()).hasSize(1);
        assertThat(batch.rejectionReasons().get(events.get(1))).contains("not JSON").contains("nested deeper");
    }

    private static List<VendorRequest> requests(KitRequest.Compiled c, List<ObjectNode> events) {
        return StarterKits.requests(c, new Batch(), events);
    }
}
