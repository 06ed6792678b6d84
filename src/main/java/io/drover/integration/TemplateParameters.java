package io.drover.integration;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.drover.config.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.RouteTemplateParameterDefinition;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The parameters of Drover's route templates, declared once in {@code routes/parameters.yaml} (a kamelet's
 * {@code spec.definition}: a JSON schema per parameter). Declares them on the templates of a context (so Camel applies
 * the defaults, there or in any Camel application that installs Drover's templates), checks a module's values against
 * them (the JSON schema validation is networknt's json-schema-validator; which parameters exist, which are required
 * and the durations are checked here, for messages that say the fix), and renders the documentation's tables.
 */
public final class TemplateParameters {

    public static final String LOCATION = "routes/parameters.yaml";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    /** One parameter of a template: its JSON schema, and that schema compiled for the checks. */
    public record Parameter(String name, ObjectNode schema, Schema compiled, boolean required) {

        public String type() {
            return schema.path("type").asText("string");
        }

        /** The default as text (as a template parameter takes it), or null for none. */
        public String defaultValue() {
            JsonNode d = schema.get("default");
            return d == null || d.isNull() ? null : d.asText();
        }

        public String description() {
            return schema.path("description").asText("");
        }

        public boolean secret() {
            return "password".equals(schema.path("format").asText());
        }

        boolean duration() {
            return "duration".equals(schema.path("format").asText());
        }
    }

    /** A template's parameters, in declaration order. */
    public record Template(String id, String title, Map<String, Parameter> parameters) {
    }

    private final Map<String, Template> templates;

    private TemplateParameters(Map<String, Template> templates) {
        this.templates = templates;
    }

    /** The declarations of Drover's jar. */
    public static TemplateParameters load() {
        try (InputStream in = TemplateParameters.class.getClassLoader().getResourceAsStream(LOCATION)) {
            if (in == null) {
                throw new IllegalStateException(LOCATION + " is missing from the class path");
            }
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static TemplateParameters parse(String yaml) {
        JsonNode root = MAPPER.valueToTree(new Load(LoadSettings.builder().build()).loadFromString(yaml));
        JsonNode groups = root.path("groups");
        Map<String, Template> templates = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("templates").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> t = it.next();
            Set<String> required = new LinkedHashSet<>();
            t.getValue().path("required").forEach(r -> required.add(r.asText()));
            Map<String, Parameter> parameters = new LinkedHashMap<>();
            List<JsonNode> sources = new ArrayList<>();
            for (JsonNode group : t.getValue().path("groups")) {
                JsonNode g = groups.path(group.asText());
                if (g.isMissingNode()) {
                    throw new IllegalStateException(LOCATION + ": template " + t.getKey() + " names an unknown group "
                            + group.asText());
                }
                sources.add(g.path("properties"));
            }
            sources.add(t.getValue().path("properties"));
            for (JsonNode properties : sources) {
                properties.fields().forEachRemaining(p -> parameters.put(p.getKey(), new Parameter(p.getKey(),
                        (ObjectNode) p.getValue(), SCHEMAS.getSchema(p.getValue()), required.contains(p.getKey()))));
            }
            templates.put(t.getKey(), new Template(t.getKey(), t.getValue().path("title").asText(""),
                    java.util.Collections.unmodifiableMap(parameters)));
        }
        return new TemplateParameters(java.util.Collections.unmodifiableMap(templates));
    }

    public Map<String, Template> templates() {
        return templates;
    }

    public Template template(String id) {
        return templates.get(id);
    }

    /**
     * Declares the parameters on the context's route templates that are declared here (name, default, description,
     * required), replacing what the YAML may have declared: one home.
     */
    public void declare(CamelContext context) {
        ModelCamelContext model = (ModelCamelContext) context;
        for (Template t : templates.values()) {
            RouteTemplateDefinition definition = model.getRouteTemplateDefinition(t.id());
            if (definition == null) {
                continue;
            }
            List<RouteTemplateParameterDefinition> declared = new ArrayList<>();
            for (Parameter p : t.parameters().values()) {
                RouteTemplateParameterDefinition d = new RouteTemplateParameterDefinition(p.name(), p.defaultValue(),
                        p.description());
                d.setRequired(p.required() && p.defaultValue() == null);
                declared.add(d);
            }
            definition.setTemplateParameters(declared);
        }
    }

    /** A problem with one parameter of a module, and what to do. */
    public record Problem(String parameter, String message) {
    }

    /**
     * Checks a module's parameters (values with their placeholders resolved; a value that could not be resolved is
     * absent from {@code resolved} and not checked: its missing setting is reported instead) against the template's
     * declarations: unknown names (with the closest known one), required ones missing, and each value's type, range,
     * allowed values and pattern. Every problem is returned, none stops the others.
     */
    public List<Problem> check(String templateId, Set<String> given, Map<String, String> resolved) {
        Template t = templates.get(templateId);
        List<Problem> problems = new ArrayList<>();
        if (t == null) {
            return problems;
        }
        for (String name : given) {
            if (!t.parameters().containsKey(name)) {
                String near = closest(name, t.parameters().keySet());
                problems.add(new Problem(name, "unknown parameter of " + templateId
                        + (near != null ? ": did you mean '" + near + "'?" : "; known: " + String.join(", ",
                        t.parameters().keySet()))));
            }
        }
        for (Parameter p : t.parameters().values()) {
            if (p.required() && !given.contains(p.name())) {
                problems.add(new Problem(p.name(), "missing: add - {name: " + p.name() + ", value: ...} (" + p.description()
                        + ")"));
            }
        }
        for (Map.Entry<String, String> value : resolved.entrySet()) {
            Parameter p = t.parameters().get(value.getKey());
            if (p != null) {
                String problem = problem(p, value.getValue());
                if (problem != null) {
                    problems.add(new Problem(p.name(), problem));
                }
            }
        }
        return problems;
    }

    /** What is wrong with one value, with the fix; null when it is right. */
    static String problem(Parameter p, String value) {
        JsonNode typed;
        String v = value.trim();
        switch (p.type()) {
            case "integer" -> {
                try {
                    typed = JsonNodeFactory.instance.numberNode(Long.parseLong(v));
                } catch (NumberFormatException e) {
                    return "expected a whole number, got '" + clip(value) + "'" + range(p);
                }
            }
            case "number" -> {
                try {
                    typed = JsonNodeFactory.instance.numberNode(Double.parseDouble(v));
                } catch (NumberFormatException e) {
                    return "expected a number, got '" + clip(value) + "'" + range(p);
                }
            }
            case "boolean" -> {
                if (!v.equals("true") && !v.equals("false")) {
                    return "expected true or false, got '" + clip(value) + "'";
                }
                typed = JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(v));
            }
            default -> typed = JsonNodeFactory.instance.textNode(value);
        }
        if (p.duration() && !v.isEmpty()) {
            try {
                Settings.parseDuration(v);
            } catch (RuntimeException e) {
                return "expected a duration such as 500ms, 30s, 5m, 3h or 7d, got '" + clip(value) + "'";
            }
        }
        List<Error> errors = p.compiled().validate(typed);
        if (errors.isEmpty()) {
            return null;
        }
        Error first = errors.get(0);
        String shown = p.secret() ? "(masked)" : "'" + clip(value) + "'";
        return switch (first.getKeyword()) {
            case "enum" -> "expected one of " + join(p.schema().path("enum")) + ", got " + shown;
            case "minimum", "maximum" -> "got " + shown + range(p);
            case "pattern" -> "got " + shown + ", which is not " + p.description().toLowerCase(Locale.ROOT)
                    .replaceFirst("\\.$", "") + " (pattern " + p.schema().path("pattern").asText() + ")";
            default -> "got " + shown + ": " + first.getMessage();
        };
    }

    private static String range(Parameter p) {
        JsonNode min = p.schema().get("minimum");
        JsonNode max = p.schema().get("maximum");
        if (min != null && max != null) {
            return ", from " + min.asText() + " to " + max.asText();
        }
        if (min != null) {
            return ", at least " + min.asText();
        }
        return max != null ? ", at most " + max.asText() : "";
    }

    private static String join(JsonNode values) {
        List<String> out = new ArrayList<>();
        values.forEach(v -> out.add(v.asText()));
        return String.join(", ", out);
    }

    private static String clip(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    /** The known name a typo is nearest to (same letters ignoring case, or at most two edits away), or null. */
    static String closest(String name, Set<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String k : known) {
            int d = k.equalsIgnoreCase(name) ? 0 : distance(name.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1),
                        prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** A template's parameters as a Markdown table (docs/integrations.md holds these, TemplateParametersDocsTest checks). */
    public String markdownTable(String templateId) {
        StringBuilder b = new StringBuilder("| parameter | type | default | allowed | description |\n|---|---|---|---|---|\n");
        for (Parameter p : templates.get(templateId).parameters().values()) {
            String allowed = p.schema().has("enum") ? join(p.schema().path("enum"))
                    : p.duration() ? "a duration (30s, 5m, 3h, 7d)"
                    : p.schema().has("minimum") || p.schema().has("maximum") ? range(p).replaceFirst("^, ", "")
                    : p.schema().has("pattern") ? "`" + p.schema().path("pattern").asText().replace("|", "\\|") + "`" : "";
            String def = p.defaultValue() == null ? (p.required() ? "required" : "") : p.defaultValue().isEmpty() ? "(empty)"
                    : "`" + p.defaultValue() + "`";
            b.append("| `").append(p.name()).append("` | ").append(p.type()).append(p.secret() ? ", secret" : "")
                    .append(" | ").append(def).append(" | ").append(allowed).append(" | ")
                    .append(p.description().replace("|", "\\|")).append(" |\n");
        }
        return b.toString();
    }
}
