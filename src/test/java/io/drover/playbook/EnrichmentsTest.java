package io.drover.playbook;

import static io.drover.playbook.Playbooks.apply;
import static io.drover.playbook.Playbooks.transform;
import static io.drover.testing.JsonTrees.assertSameJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;

class EnrichmentsTest {

    private static final String EVENT = """
            {"type": "track", "event": "X", "timestamp": "2024-05-01T10:00:00.123456Z",
             "originalTimestamp": "2024-05-01T12:00:00.5+02:00", "sentAt": "2024-05-01T10:00:01"}
            """;

    @Test
    void staticValues() {
        String yaml = """
                global:
                  enrichments:
                    - {outputKey: action_source, value: website}
                    - {outputKey: partner.version, value: 2}
                    - {outputKey: flags, value: [a, b]}
                """;
        assertSameJson(transform(yaml, EVENT), """
                {"action_source": "website", "partner": {"version": 2}, "flags": ["a", "b"]}
                """);
    }

    @Test
    void timestampsFromAField() {
        String yaml = """
                global:
                  enrichments:
                    - {outputKey: s, timestamp: {unit: s, from: timestamp}}
                    - {outputKey: ms, timestamp: {unit: ms, from: timestamp}}
                    - {outputKey: us, timestamp: {unit: us, from: timestamp}}
                    - {outputKey: µs, timestamp: {unit: µs, from: timestamp}}
                    - {outputKey: iso, timestamp: {unit: iso, from: timestamp}}
                    - {outputKey: offset, timestamp: {unit: iso, from: originalTimestamp}}
                    - {outputKey: local, timestamp: {unit: ms, from: sentAt}}
                    - {outputKey: missing, timestamp: {unit: ms, from: receivedAt}}
                """;
        assertSameJson(transform(yaml, EVENT), """
                {"s": 1714557600, "ms": 1714557600123, "us": 1714557600123456, "µs": 1714557600123456,
                 "iso": "2024-05-01T10:00:00.123Z", "offset": "2024-05-01T10:00:00.500Z", "local": 1714557601000}
                """);
    }

    @Test
    void timestampsOfNow() {
        String yaml = """
                global:
                  enrichments:
                    - {outputKey: s, timestamp: {unit: s}}
                    - {outputKey: ms, timestamp: {unit: ms}}
                    - {outputKey: iso, timestamp: {unit: iso}}
                """;
        long before = System.currentTimeMillis();
        ObjectNode out = transform(yaml, EVENT);
        long after = System.currentTimeMillis();
        assertThat(out.get("ms").asLong()).isBetween(before, after);
        assertThat(out.get("s").asLong()).isBetween(before / 1000, after / 1000);
        assertThat(Instant.parse(out.get("iso").asText()).toEpochMilli()).isBetween(before, after);
    }

    @Test
    void aValueThatIsNotATimestampFailsTheEvent() {
        String yaml = "global:\n  enrichments:\n    - {outputKey: t, timestamp: {unit: s, from: event}}\n";
        Result result = apply(yaml, EVENT);
        assertThat(result.outcome()).isEqualTo(Result.Outcome.FAILED);
        assertThat(result.reason()).isEqualTo(
                "global.enrichments[0] (event -> t): a string that is not an ISO-8601 date-time");
    }
}
