package io.drover.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * application.properties is the one home of Drover's defaults, and the README's settings table says the same:
 * every {@code drover.*} setting there is in the table, and every default the table gives in {@code `code`} is the
 * value in the file ("(none)" and "(empty)" for an empty one).
 */
class SettingsDocsTest {

    @Test
    void theReadmeTableAndApplicationPropertiesAgree() throws IOException {
        Properties file = new Properties();
        file.load(new StringReader(Files.readString(Path.of("src/main/resources/application.properties"))));
        Map<String, String> documented = readmeTable();
        List<String> disagree = new ArrayList<>();
        documented.forEach((key, value) -> {
            if (value != null && file.containsKey(key) && !value.equals(file.getProperty(key).trim())) {
                disagree.add(key + ": README says '" + value + "', application.properties '" + file.getProperty(key).trim() + "'");
            }
        });
        assertThat(disagree).as("defaults that differ").isEmpty();
        Set<String> undocumented = new TreeSet<>();
        for (String key : file.stringPropertyNames()) {
            if (key.startsWith("drover.") && !documented.containsKey(key)) {
                undocumented.add(key);
            }
        }
        assertThat(undocumented).as("settings of application.properties missing from the README's table").isEmpty();
    }

    /** Each key of the table with its default (null when the table gives none in backticks). */
    private static Map<String, String> readmeTable() throws IOException {
        Map<String, String> table = new LinkedHashMap<>();
        boolean in = false;
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            if (line.startsWith("| Setting | Default |")) {
                in = true;
                continue;
            }
            if (!in || line.startsWith("|---")) {
                continue;
            }
            if (!line.startsWith("|")) {
                break;
            }
            String[] cells = line.split("\\|");
            String[] keys = cells[1].trim().split(" / ");
            String[] defaults = cells[2].trim().split(" / ");
            String first = unquote(keys[0]);
            for (int i = 0; i < keys.length; i++) {
                String part = unquote(keys[i]);
                String key = i == 0 || part.startsWith("drover.") ? part
                        : part.startsWith(".") ? first.substring(0, first.lastIndexOf('.')) + part
                        : part.startsWith("-") ? first + part
                        : first.substring(0, first.lastIndexOf('.') + 1) + part;
                String value = i < defaults.length ? value(defaults[i].trim()) : null;
                table.put(key, value);
                if (part.startsWith("-")) {
                    // "dedupe-window / -max-entries": the suffix may replace the last word instead.
                    table.put(first.substring(0, first.lastIndexOf('-')) + part, value);
                }
            }
        }
        return table;
    }

    private static String unquote(String s) {
        return s.trim().replace("`", "");
    }

    private static String value(String cell) {
        if (cell.equals("(none)") || cell.equals("(empty)")) {
            return "";
        }
        return cell.startsWith("`") && cell.endsWith("`") && cell.indexOf('`', 1) == cell.length() - 1
                ? cell.substring(1, cell.length() - 1) : null;
    }
}
