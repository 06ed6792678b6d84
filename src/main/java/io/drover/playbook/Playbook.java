package io.drover.playbook;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.CamelContext;

/**
 * A compiled playbook: the declarative mapping of Drover events (Segment-spec messages) to one vendor's events, and
 * the vendor's request. Compiled once (paths parsed, transform chains, regular expressions and Camel expressions
 * built), then applied to each event; immutable and safe to share between threads. The syntax is in
 * docs/playbooks.md.
 *
 * <p>An event goes through {@code global}, then through its {@code eventSpecific} section (keyed by {@code event} for
 * track messages, by {@code type} for the others) or, when it has none, through {@code default}. Filters of both
 * sections are checked before anything is built.
 */
public final class Playbook {

    private final String name;
    private final Section global;
    private final Section fallback;
    private final Map<String, Section> eventSpecific;
    private final Request request;
    private final Response response;

    private Playbook(String name, Section global, Section fallback, Map<String, Section> eventSpecific, Request request,
            Response response) {
        this.response = response;
        this.name = name;
        this.global = global;
        this.fallback = fallback;
        this.eventSpecific = eventSpecific;
        this.request = request;
    }

    /**
     * @param name    the playbook's name, e.g. {@code acme}: errors start with {@code playbook acme:}
     * @param yaml    the parsed document (maps, lists and scalars, as snakeyaml or Jackson give them)
     * @param context compiles the {@code expressions}; may be null when there are none
     * @throws PlaybookException naming the section and key of the first problem found
     */
    public static Playbook compile(String name, Map<String, ?> yaml, CamelContext context) {
        return compile(name, new YamlNode(yaml, Where.root("playbook " + name)), context);
    }

    public static Playbook compile(String name, Reader yaml, CamelContext context) {
        return compile(name, YamlNode.load(yaml, Where.root("playbook " + name)), context);
    }

    public static Playbook compile(String name, Path file, CamelContext context) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PlaybookException("playbook " + name + ": cannot read " + file + ": " + e.getMessage(), e);
        }
        return compile(name, new StringReader(text), context);
    }

    private static Playbook compile(String name, YamlNode root, CamelContext context) {
        if (root.isNull()) {
            throw root.where().error("the playbook is empty");
        }
        Map<String, YamlNode> keys = root.object("name", "global", "default", "eventSpecific", "request",
                "response");
        if (keys.containsKey("name") && !keys.get("name").text().equals(name)) {
            throw keys.get("name").where().error("says '" + keys.get("name").text() + "' but the playbook is '" + name + "'");
        }
        Map<String, Section> eventSpecific = new LinkedHashMap<>();
        if (keys.containsKey("eventSpecific")) {
            keys.get("eventSpecific").entries().forEach((event, section) -> eventSpecific.put(event, Section.compile(section, context)));
        }
        Request request = keys.containsKey("request") ? Request.compile(keys.get("request")) : null;
        Response response = keys.containsKey("response") ? Response.compile(keys.get("response")) : null;
        return new Playbook(name, Section.compile(keys.get("global"), context), Section.compile(keys.get("default"), context),
                Map.copyOf(eventSpecific), request, response);
    }

    public String name() {
        return name;
    }

    /** The request part, when the playbook has one. */
    public Optional<Request> request() {
        return Optional.ofNullable(request);
    }

    /** How the vendor's answer is read, when the playbook says more than its status ({@code response}). */
    public Optional<io.drover.destinations.api.ResponseReader> response() {
        return Optional.ofNullable(response);
    }

    /** Transforms one event. The event is read, never changed. */
    public Result apply(ObjectNode event) {
        Section specific = eventSpecific.getOrDefault(sectionKey(event), fallback);
        String dropped = global.dropReason(event);
        if (dropped == null) {
            dropped = specific.dropReason(event);
        }
        if (dropped != null) {
            return Result.dropped(dropped);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        try {
            global.run(event, out);
            specific.run(event, out);
        } catch (Step.Failure e) {
            return Result.failed(e.getMessage(), e.getCause());
        }
        return Result.transformed(out);
    }

    /** {@code event} for track messages, {@code type} for the others (page, identify, screen, group, alias). */
    private static String sectionKey(ObjectNode event) {
        JsonNode type = event.get("type");
        String key = type != null && type.isTextual() ? type.textValue() : "";
        if (key.equals("track")) {
            JsonNode name = event.get("event");
            return name != null && name.isTextual() ? name.textValue() : "";
        }
        return key;
    }
}
