package io.drover.destinations;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.testing.Http;
import io.drover.testing.Modules;
import io.drover.testing.TestDrover;
import io.drover.testing.TopicReader;

import static io.drover.testing.TestDrover.WEB_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A shipped module ({@code integrations/<name>.yaml}, copied as is) on the shared Drover, for a vendor's delivery
 * test: its settings as JVM system properties, one required secret held back at first to see the module refuse to
 * start and name it, then set; installed once the watcher has loaded it (its consumer reads every event
 * acknowledged from then on); events sent through the ingestion API; its dead-letter topic. {@link #close()} removes
 * the file and the settings.
 */
public final class ModuleUnderTest implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final TestDrover drover = TestDrover.shared();
    private final String name;
    private final Path file;
    private final Map<String, String> settings;
    private String missingSettingReport;
    private boolean startedWithoutSecret;

    private ModuleUnderTest(String name, Map<String, String> settings) {
        this.name = name;
        this.file = drover.integrationsDir().resolve(name + ".yaml");
        this.settings = settings;
    }

    /**
     * Installs the module with {@code settings}; {@code secret} (one of their keys) is set only after the module was
     * seen not to start without it.
     */
    public static ModuleUnderTest install(String name, Map<String, String> settings, String secret) throws IOException {
        ModuleUnderTest m = new ModuleUnderTest(name, settings);
        settings.forEach((k, v) -> {
            if (!k.equals(secret)) {
                System.setProperty(k, v);
            }
        });
        System.clearProperty(secret);
        Modules.applied(m.drover, m.file, () -> Files.copy(Path.of("integrations", name + ".yaml"), m.file));
        m.missingSettingReport = m.drover.server.integrations().errors().getOrDefault(m.file, "");
        m.startedWithoutSecret = m.running();
        System.setProperty(secret, settings.get(secret));
        // Any write makes the watcher load the file again, now with every setting; once loaded, it reads every
        // event acknowledged from then on.
        Modules.running(m.drover, m.file, () -> Files.writeString(m.file, Files.readString(m.file)));
        return m;
    }

    /** What Drover reported for the file while the secret was unset. */
    public String missingSettingReport() {
        return missingSettingReport;
    }

    public boolean startedWithoutSecret() {
        return startedWithoutSecret;
    }

    private boolean running() {
        return drover.server.integrations().modules().containsKey(file);
    }

    /**
     * Waits until the integration is done with this event (delivered, left out or dead-lettered, its retries over):
     * what was not sent or dead-lettered by then never will be.
     */
    public void awaitHandled(String messageId) {
        Modules.handled(drover, name, messageId);
    }

    /**
     * Whole days the fixtures' times are moved forward, to yesterday: inside every vendor's window (Snapchat reports
     * events of the last 37 days only), and the same time of day, so only {@code event_time} moves in the golden files.
     */
    static final long SHIFT_SECONDS = (java.time.LocalDate.now(java.time.ZoneOffset.UTC).toEpochDay() - 1
            - java.time.LocalDate.of(2024, 11, 28).toEpochDay()) * 86_400;

    /**
     * A shared fixture without its sentAt, so that Drover keeps its timestamp as the golden files have it, moved to
     * yesterday ({@link #SHIFT_SECONDS}).
     */
    public static ObjectNode fixture(String event) {
        ObjectNode e = GoldenFiles.event(event);
        e.remove("sentAt");
        for (String field : new String[] {"timestamp", "originalTimestamp", "receivedAt"}) {
            if (e.hasNonNull(field)) {
                e.put(field, java.time.Instant.parse(e.get(field).asText()).plusSeconds(SHIFT_SECONDS).toString());
            }
        }
        return e;
    }

    /** A shared fixture with a fresh messageId. */
    public static ObjectNode fixture(String event, String messageId) {
        return (ObjectNode) fixture(event).put("messageId", messageId);
    }

    /** Sends the events in one call to the ingestion API. */
    public void send(ObjectNode... events) {
        ObjectNode batch = MAPPER.createObjectNode();
        ArrayNode list = batch.putArray("batch");
        for (ObjectNode e : events) {
            list.add(e);
        }
        assertThat(Http.post(drover.url("/v1/batch"), batch.toString(), "Authorization", Http.basic(WEB_KEY)).status())
                .isEqualTo(200);
    }

    /** The element of the golden file's first request for this fixture, with this event's id and time. */
    public static ObjectNode expected(String vendor, String event, String messageId) {
        try {
            JsonNode golden = MAPPER.readTree(Path.of("src/test/resources/golden", vendor, event + ".json").toFile());
            ObjectNode expected = ((ObjectNode) golden.at("/0/body/data/0").deepCopy()).put("event_id", messageId);
            if (expected.path("event_time").isNumber()) {
                // read back as JSON reads it (an int while it fits), so that it equals the parsed request
                expected.set("event_time", MAPPER.readTree(Long.toString(expected.get("event_time").asLong() + SHIFT_SECONDS)));
            }
            return expected;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The module's dead-letter topic; open it after the events were sent. */
    public TopicReader deadLetters() {
        return new TopicReader(drover.server.bootstrapServers(), "drover.dlq." + name);
    }

    /** The dead letters of one event. */
    public static List<TopicReader.Event> letters(TopicReader dlq, String messageId) {
        return dlq.where(x -> messageId.equals(x.value().at("/event/messageId").asText()));
    }

    public static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() throws IOException {
        Modules.removed(drover, file);
        settings.keySet().forEach(System::clearProperty);
    }
}
