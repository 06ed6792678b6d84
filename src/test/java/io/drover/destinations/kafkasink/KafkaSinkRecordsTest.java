package io.drover.destinations.kafkasink;

import java.util.List;
import java.util.concurrent.ExecutionException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The sink's records (key, body) and how a failure to produce is classified. */
class KafkaSinkRecordsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void eachEventIsOneRecordKeyedByUserIdElseAnonymousId() throws Exception {
        ObjectNode known = (ObjectNode) MAPPER.readTree("{\"userId\":\"u1\",\"anonymousId\":\"a1\",\"n\":1.50}");
        ObjectNode anonymous = (ObjectNode) MAPPER.readTree("{\"anonymousId\":\"a2\"}");
        ObjectNode nobody = (ObjectNode) MAPPER.readTree("{\"type\":\"track\"}");
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setBody(List.of(known, anonymous, nobody));
        new KafkaSinkRecords().process(exchange);
        @SuppressWarnings("unchecked")
        List<Message> records = exchange.getIn().getBody(List.class);
        assertThat(records).extracting(m -> m.getHeader(KafkaConstants.KEY)).containsExactly("u1", "a2", null);
        assertThat(MAPPER.readTree(records.get(0).getBody(String.class))).isEqualTo(known);
    }

    @Test
    void kafkasRetriableErrorsAreRetriedTheOthersAreFinal() {
        assertThat(KafkaSinkFailure.classify(new ExecutionException(new TimeoutException("no metadata"))).retryable())
                .isTrue();
        assertThat(KafkaSinkFailure.classify(new ExecutionException(new RecordTooLargeException("big"))).retryable())
                .isFalse();
        assertThat(KafkaSinkFailure.classify(new TopicAuthorizationException("no")).retryable()).isFalse();
    }
}
