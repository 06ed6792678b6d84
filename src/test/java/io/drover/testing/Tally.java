package io.drover.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * What a fault did to the promise: of the events acknowledged, how many reached the vendor, how many never did
 * (lost) and how many more than once (duplicated). One line per fault, printed and appended to
 * {@code target/reliability.txt}, the figures docs/reliability.md quotes.
 */
public record Tally(String fault, int acknowledged, int delivered, int lost, int duplicated) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Counts the messageIds the stand-in vendor took (answered 2xx) at {@code path}: the webhook's bodies. */
    public static Map<String, Integer> deliveries(WireMockServer vendor, String path) {
        Map<String, Integer> counts = new HashMap<>();
        for (ServeEvent e : vendor.getAllServeEvents()) {
            if (e.getResponse().getStatus() / 100 != 2 || !e.getRequest().getUrl().equals(path)) {
                continue;
            }
            try {
                JsonNode body = MAPPER.readTree(e.getRequest().getBody());
                JsonNode events = body.has("batch") ? body.get("batch") : MAPPER.createArrayNode().add(body);
                events.forEach(ev -> counts.merge(ev.path("messageId").asText(), 1, Integer::sum));
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return counts;
    }

    public static Tally of(String fault, Collection<String> acknowledged, Map<String, Integer> deliveries) {
        int delivered = 0;
        int duplicated = 0;
        for (String id : acknowledged) {
            int n = deliveries.getOrDefault(id, 0);
            delivered += n > 0 ? 1 : 0;
            duplicated += n > 1 ? 1 : 0;
        }
        return new Tally(fault, acknowledged.size(), delivered, acknowledged.size() - delivered, duplicated);
    }

    /** Prints the line and keeps it in target/reliability.txt. */
    public Tally report() {
        String line = String.format("%s: acknowledged=%d delivered=%d lost=%d duplicated=%d%n", fault, acknowledged,
                delivered, lost, duplicated);
        System.out.print(line);
        try {
            Files.writeString(Path.of("target", "reliability.txt"), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
