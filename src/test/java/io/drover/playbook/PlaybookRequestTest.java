package io.drover.playbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import io.drover.testing.JsonTrees;
import io.drover.destinations.GoldenFiles;

/** The drover-playbook request bean: the headers it sends. */
class PlaybookRequestTest {

    private static JsonNode request(String headers) throws Exception {
        PlaybookRequest bean = new PlaybookRequest();
        bean.setName("acme");
        bean.setPlaybook("global:\n  mappings:\n    - {inputKey: messageId, outputKey: id}\nrequest:\n  headers: " + headers
                + "\n");
        bean.setBatchSize(1);
        bean.setCamelContext(new DefaultCamelContext());
        bean.start();
        return GoldenFiles.requests(bean, "https://acme.example/e", "POST",
                List.of(JsonTrees.object("{\"type\":\"track\",\"event\":\"E\",\"messageId\":\"m\"}"))).get(0);
    }

    /** Klaviyo's JSON:API wants application/vnd.api+json: before, the bean replaced it with application/json. */
    @Test
    void aContentTypeThePlaybookSetsIsKept() throws Exception {
        assertThat(request("{Content-Type: application/vnd.api+json, X-Key: k}").get("headers")).isEqualTo(
                JsonTrees.object("{\"Content-Type\":\"application/vnd.api+json\",\"X-Key\":\"k\"}"));
        assertThat(request("{content-type: text/plain}").get("headers").toString()).doesNotContain("application/json");
    }

    @Test
    void withoutOneItIsJson() throws Exception {
        assertThat(request("{X-Key: k}").get("headers"))
                .isEqualTo(JsonTrees.object("{\"Content-Type\":\"application/json\",\"X-Key\":\"k\"}"));
    }
}
