package io.drover.integration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parameter tables of docs/integrations.md are made from routes/parameters.yaml, their one home. Run with
 * {@code -Ddrover.docs.write=true} to write them after a change of the declarations.
 */
class TemplateParametersDocsTest {

    private static final Path DOC = Path.of("docs/integrations.md");
    private static final Pattern SECTION = Pattern.compile("(<!-- parameters:([a-z-]+) -->\\n)(.*?)(<!-- /parameters -->)",
            Pattern.DOTALL);

    @Test
    void theDocsTablesAreTheDeclarations() throws Exception {
        TemplateParameters declared = TemplateParameters.load();
        String doc = Files.readString(DOC);
        Matcher m = SECTION.matcher(doc);
        StringBuilder expected = new StringBuilder();
        int tables = 0;
        while (m.find()) {
            tables++;
            assertThat(declared.templates()).as("a template the docs name").containsKey(m.group(2));
            m.appendReplacement(expected, Matcher.quoteReplacement(m.group(1) + declared.markdownTable(m.group(2)) + m.group(4)));
        }
        m.appendTail(expected);
        assertThat(tables).as("one table per template").isEqualTo(declared.templates().size());
        if (Boolean.getBoolean("drover.docs.write")) {
            Files.writeString(DOC, expected.toString());
        }
        assertThat(doc).as("docs/integrations.md's tables (run with -Ddrover.docs.write=true to write them)")
                .isEqualTo(expected.toString());
    }
}
