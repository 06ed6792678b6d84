package io.drover.ingest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.testing.Http;
import io.drover.testing.TestDrover;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/openapi.yaml is a valid OpenAPI 3 document and says what the running server does: each documented operation,
 * sent its documented example, answers a documented status with the documented content type; a request without a
 * write key gets a documented 401; and the error codes it lists are exactly those the ingestion code can answer.
 */
class OpenApiTest {

    private static final Path SPEC = Path.of("docs/openapi.yaml");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestDrover drover = TestDrover.shared();

    private static OpenAPI spec() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setResolveFully(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readLocation(SPEC.toString(), null, options);
        assertThat(result.getMessages()).as("the parser's complaints about docs/openapi.yaml").isEmpty();
        return result.getOpenAPI();
    }

    @Test
    void everyDocumentedOperationAnswersAsDocumented() throws Exception {
        OpenAPI spec = spec();
        int checked = 0;
        for (var path : spec.getPaths().entrySet()) {
            Operation get = path.getValue().getGet();
            if (get != null) {
                Http.Response r = Http.send("GET", drover.url(path.getKey()), null);
                assertThat(get.getResponses()).as("GET %s -> %s", path.getKey(), r.status()).containsKey(String.valueOf(r.status()));
                checked++;
            }
            Operation post = path.getValue().getPost();
            if (post == null) {
                continue;
            }
            MediaType json = post.getRequestBody().getContent().get("application/json");
            assertThat(json.getExample()).as("%s has an example", path.getKey()).isNotNull();
            String body = JSON.writeValueAsString(json.getExample());
            Http.Response r = Http.post(drover.url(path.getKey()), body, "Content-Type", "application/json",
                    "Authorization", Http.basic(TestDrover.BACKEND_KEY));
            assertThat(r.status()).as("POST %s %s -> %s", path.getKey(), body, r.body()).isEqualTo(200);
            assertThat(post.getResponses()).containsKey("200");
            assertThat(r.json().get("success").asBoolean()).isTrue();
            if (post.getSecurity() == null) {
                Http.Response anonymous = Http.post(drover.url(path.getKey()), body, "Content-Type", "application/json");
                assertThat(anonymous.status()).as("POST %s without a key", path.getKey()).isEqualTo(401);
                assertThat(post.getResponses()).containsKey("401");
                assertThat(codes(spec)).contains(anonymous.json().get("code").asText());
            }
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(9);
    }

    @Test
    void theDocumentedErrorCodesAreThoseTheCodeAnswers() throws Exception {
        Set<String> inCode = new TreeSet<>();
        Pattern code = Pattern.compile("(?:IngestException\\((?:\\d{3}|status), |badRequest\\(|error\\(\\d{3}, |bad\\(where, |code = )\"([a-z_]+)\"");
        List<Path> sources = new ArrayList<>();
        for (String dir : List.of("src/main/java/io/drover/ingest", "src/main/java/io/drover/buffer")) {
            try (Stream<Path> files = Files.list(Path.of(dir))) {
                sources.addAll(files.filter(f -> f.toString().endsWith(".java")).toList());
            }
        }
        for (Path f : sources) {
            Matcher m = code.matcher(Files.readString(f));
            while (m.find()) {
                inCode.add(m.group(1));
            }
        }
        assertThat(inCode).as("codes found in the ingestion code").hasSizeGreaterThan(20);
        assertThat(new TreeSet<>(codes(spec()))).containsAll(inCode);
    }

    @SuppressWarnings("unchecked")
    private static List<String> codes(OpenAPI spec) {
        var error = spec.getComponents().getSchemas().get("Error");
        return ((Map<String, io.swagger.v3.oas.models.media.Schema<?>>) (Map<?, ?>) error.getProperties()).get("code")
                .getEnum().stream().map(String::valueOf).toList();
    }
}
