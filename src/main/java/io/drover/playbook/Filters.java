package io.drover.playbook;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Allow/deny rules on an event, shared by playbook sections and by an integration's selection (one syntax, one
 * implementation):
 * <pre>
 * - deny: {path: properties.test, equals: true}
 * - name: paid orders only
 *   allow:
 *     - {path: properties.revenue, gt: 0}
 *     - {path: properties.currency, in: [USD, EUR]}
 * </pre>
 * A rule holds when all its conditions hold. Any deny rule that holds drops the event; if there are allow rules and
 * none holds, the event is dropped too. Deny is checked first.
 */
public final class Filters {

    public static final Filters NONE = new Filters(List.of(), List.of(), "");

    private record Rule(String label, List<Condition> conditions) {
        boolean holds(JsonNode event) {
            for (Condition c : conditions) {
                if (!c.test(event)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Rule> allow;
    private final List<Rule> deny;
    private final String location;

    private Filters(List<Rule> allow, List<Rule> deny, String location) {
        this.allow = allow;
        this.deny = deny;
        this.location = location;
    }

    /**
     * Compiles rules given as parsed YAML (a list of maps) outside a playbook, e.g. an integration's selection.
     *
     * @param owner    what errors start with, e.g. {@code integration ga4}
     * @param location where the rules sit, e.g. {@code filters}
     */
    public static Filters compile(String owner, String location, Object rules) {
        return compile(new YamlNode(rules, Where.root(owner).key(location)));
    }

    /** Compiles rules written as YAML text (a module's {@code filters} parameter); blank text: no rules. */
    public static Filters parse(String owner, String location, String yaml) {
        if (yaml == null || yaml.isBlank()) {
            return NONE;
        }
        return compile(YamlNode.load(new java.io.StringReader(yaml), Where.root(owner).key(location)));
    }

    static Filters compile(YamlNode node) {
        if (node == null || node.isNull()) {
            return NONE;
        }
        List<Rule> allow = new ArrayList<>();
        List<Rule> deny = new ArrayList<>();
        for (YamlNode item : node.list()) {
            Map<String, YamlNode> keys = item.object("name", "allow", "deny");
            YamlNode allowNode = keys.get("allow");
            YamlNode denyNode = keys.get("deny");
            if ((allowNode == null) == (denyNode == null)) {
                throw item.where().error("a filter has either 'allow' or 'deny' (one of them)");
            }
            String label = item.where().path();
            if (keys.containsKey("name")) {
                label = "'" + keys.get("name").name() + "' (" + label + ")";
            }
            YamlNode conditions = allowNode != null ? allowNode : denyNode;
            Rule rule = new Rule(label, conditions(conditions));
            (allowNode != null ? allow : deny).add(rule);
        }
        return new Filters(List.copyOf(allow), List.copyOf(deny), node.where().path());
    }

    private static List<Condition> conditions(YamlNode node) {
        if (!node.isList()) {
            return List.of(Condition.compile(node));
        }
        List<Condition> all = new ArrayList<>();
        for (YamlNode item : node.list()) {
            all.add(Condition.compile(item));
        }
        if (all.isEmpty()) {
            throw node.where().error("needs at least one condition");
        }
        return List.copyOf(all);
    }

    /** Why the event is dropped, naming the filter; empty when the event passes. */
    public Optional<String> dropReason(JsonNode event) {
        for (Rule rule : deny) {
            if (rule.holds(event)) {
                return Optional.of("denied by filter " + rule.label());
            }
        }
        if (allow.isEmpty()) {
            return Optional.empty();
        }
        for (Rule rule : allow) {
            if (rule.holds(event)) {
                return Optional.empty();
            }
        }
        return Optional.of("no allow filter of " + location + " matched");
    }
}
