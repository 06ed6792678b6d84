package io.drover.integration;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.drover.config.SecretsDirectory;
import org.apache.camel.spi.PropertiesComponent;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * What a module file says before Camel loads it: the settings it uses ({@code {{name}}} placeholders), the route ids
 * and integration names it claims. Read so that a module missing several settings names them all at once (Camel
 * stops at the first), that a copy of a module cannot silently take over the route of the one it was copied from,
 * and that a change of a setting reloads exactly the modules that use it.
 */
record ModuleFile(Set<String> settings, Set<String> required, Set<String> routeIds, Set<String> names,
                  Set<String> files, List<Playbook> playbooks) {

    /** A {@code drover-playbook} module's playbook: inline text or a file name, for the check before a reload. */
    record Playbook(String name, String inline, String file) {
    }

    /** {@code {{name}}}, {@code {{name:default}}}, {@code {{?name}}}, {@code {{env:NAME}}}. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\??)([A-Za-z0-9_.:-]+?)(:[^}]*)?}}");
    private static final Pattern PLAYBOOK_FILE = Pattern.compile("([A-Za-z0-9_.-]+\\.playbook\\.ya?ml)");

    static ModuleFile read(String content) {
        Set<String> settings = new LinkedHashSet<>();
        Set<String> required = new LinkedHashSet<>();
        Set<String> files = new LinkedHashSet<>();
        for (String line : content.split("\n")) {
            String code = line.strip();
            if (code.startsWith("#")) {
                continue;
            }
            Matcher m = PLACEHOLDER.matcher(code);
            while (m.find()) {
                String key = m.group(2);
                boolean env = key.startsWith("env:");
                if (env) {
                    key = key.substring(4);
                }
                settings.add(key);
                if (m.group(1).isEmpty() && m.group(3) == null) {
                    required.add(env ? "env:" + key : key);
                }
            }
            Matcher f = PLAYBOOK_FILE.matcher(code);
            while (f.find()) {
                files.add(f.group(1));
            }
        }
        Set<String> routeIds = new LinkedHashSet<>();
        Set<String> names = new LinkedHashSet<>();
        List<Playbook> playbooks = new ArrayList<>();
        try {
            Object root = new Load(LoadSettings.builder().build()).loadFromString(content);
            if (root instanceof List<?> items) {
                for (Object item : items) {
                    claims(item, routeIds, names);
                }
            }
        } catch (RuntimeException notYaml) {
            // Camel reports what is wrong with the file when it loads it.
        }
        for (ModuleParameters.Route route : ModuleParameters.read(content)) {
            if ("drover-playbook".equals(route.template())) {
                Playbook p = new Playbook(route.text("name", "playbook"), route.text("playbook", ""),
                        route.text("playbookFile", ""));
                playbooks.add(p);
                if (!p.file().isBlank()) {
                    files.add(p.file().trim());
                }
            }
        }
        return new ModuleFile(settings, required, routeIds, names, files, List.copyOf(playbooks));
    }

    private static void claims(Object item, Set<String> routeIds, Set<String> names) {
        if (!(item instanceof Map<?, ?> map)) {
            return;
        }
        if (map.get("templatedRoute") instanceof Map<?, ?> t) {
            if (t.get("routeId") != null) {
                routeIds.add(String.valueOf(t.get("routeId")));
            }
            if (t.get("parameters") instanceof List<?> parameters) {
                for (Object p : parameters) {
                    if (p instanceof Map<?, ?> parameter && "name".equals(parameter.get("name"))
                            && parameter.get("value") != null) {
                        names.add(String.valueOf(parameter.get("value")));
                    }
                }
            }
        }
        if (map.get("route") instanceof Map<?, ?> r && r.get("id") != null) {
            routeIds.add(String.valueOf(r.get("id")));
        }
    }

    /** The required settings that have no value, each as "name (ENVIRONMENT_NAME)". */
    List<String> missing(PropertiesComponent properties) {
        List<String> missing = new ArrayList<>();
        for (String key : required) {
            boolean present = key.startsWith("env:")
                    ? System.getenv(key.substring(4)) != null
                    : properties.resolveProperty(key).filter(v -> !v.isBlank()).isPresent();
            if (!present) {
                String name = key.startsWith("env:") ? key.substring(4) : key;
                missing.add(name + " (environment variable " + SecretsDirectory.envName(name) + ")");
            }
        }
        return missing;
    }

    /** Whether the module uses any of these settings (given by their environment-style names). */
    boolean uses(Set<String> envNames) {
        for (String key : settings) {
            if (envNames.contains(SecretsDirectory.envName(key))) {
                return true;
            }
        }
        return false;
    }
}
