package io.drover.integration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.drover.buffer.EventTopic;
import io.drover.testing.TestDrover;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Another Camel application (a plain CamelContext, no Drover server, no ingestion) runs a Drover vendor module: it
 * installs Drover's integration pieces, loads its own module file, and the events it writes to its own Kafka topic
 * reach the vendor, signed, while identify events are left out as the module says.
 */
class ReuseFromCamelTest {

    @Test
    void anotherCamelApplicationDeliversItsOwnTopicThroughADroverModule() throws Exception {
        // The application's Kafka cluster: here the test broker, with a topic of its own.
        String bootstrap = TestDrover.shared().server.bootstrapServers();
        EventTopic.ensure(bootstrap, "shop.events", 2, Optional.of((short) 1));
        WireMockServer vendor = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        vendor.start();
        vendor.stubFor(post(urlEqualTo("/shop-hook")).willReturn(ok()));
        DefaultCamelContext app = new DefaultCamelContext();
        try {
            Properties settings = new Properties();
            settings.put("shop.hook-url", "http://127.0.0.1:" + vendor.port() + "/shop-hook");
            settings.put("shop.hook-secret", "shop-secret");
            app.getPropertiesComponent().setInitialProperties(settings);
            DroverIntegrations.install(app, bootstrap, "shop.events", true);
            DroverIntegrations.load(app, "file:src/test/resources/reuse/shop-hook.yaml");
            app.start();

            String[] events = {
                "{\"type\":\"track\",\"event\":\"Order Completed\",\"userId\":\"u1\",\"messageId\":\"shop-1\"}",
                "{\"type\":\"identify\",\"userId\":\"u1\",\"messageId\":\"shop-2\",\"traits\":{\"plan\":\"pro\"}}",
                "{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"u2\",\"messageId\":\"shop-3\"}"};
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            String later = "{\"type\":\"track\",\"event\":\"Order Completed\",\"userId\":\"u1\",\"messageId\":\"shop-4\"}";
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
                for (String e : events) {
                    producer.send(new ProducerRecord<>("shop.events", e.contains("u1") ? "u1" : "u2", e)).get();
                }
                Awaitility.await().atMost(Duration.ofSeconds(30))
                        .until(() -> vendor.findAll(postRequestedFor(urlEqualTo("/shop-hook"))).size() >= 2);
                // A later event of u1 delivered: u1's identify, before it on the same partition, was left out.
                producer.send(new ProducerRecord<>("shop.events", "u1", later)).get();
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                    !vendor.findAll(postRequestedFor(urlEqualTo("/shop-hook")).withRequestBody(containing("shop-4"))).isEmpty());
            List<LoggedRequest> calls = vendor.findAll(postRequestedFor(urlEqualTo("/shop-hook")));
            assertThat(calls).extracting(LoggedRequest::getBodyAsString)
                    .containsExactlyInAnyOrder(events[0], events[2], later);
            for (LoggedRequest call : calls) {
                assertThat(call.getHeader("X-Drover-Signature")).isEqualTo("sha256=" + hmac("shop-secret", call.getBodyAsString()));
            }
            assertThat(app.getRoute("shop-hook")).isNotNull();
        } finally {
            app.stop();
            vendor.stop();
        }
    }

    private static String hmac(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }
}
