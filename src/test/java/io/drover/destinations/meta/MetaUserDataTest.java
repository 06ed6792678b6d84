package io.drover.destinations.meta;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.Hashing;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Meta's normalisation per customer information parameter, with the examples Meta publishes. */
class MetaUserDataTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void metasPublishedExamples() throws Exception {
        // developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters
        assertThat(MetaUserData.email("John_Smith@gmail.com"))
                .isEqualTo("62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f");
        assertThat(MetaUserData.phone("+1 (650)555-1212"))
                .isEqualTo("e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176");
        assertThat(MetaUserData.name("Mary")).isEqualTo("6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec");
        assertThat(MetaUserData.name("정")).isEqualTo("8fa8cd9c440be61d0151429310034083132b35975c4bea67fdd74158eb51db14");
        assertThat(MetaUserData.name("Valéry"))
                .isEqualTo("08e1996b5dd49e62a4b4c010d44e4345592a863bb9f8e3976219bac29417149c");
        // The same name written with a combining accent (NFD) is the same person.
        assertThat(MetaUserData.name("Vale\u0301ry")).isEqualTo(MetaUserData.name("Valéry"));
    }

    @Test
    void normalisesEachField() {
        assertThat(MetaUserData.email("  Jane.Doe@Example.COM ")).isEqualTo(Hashing.sha256("jane.doe@example.com"));
        assertThat(MetaUserData.phone("0033 1 23 45 67 89")).isEqualTo(Hashing.sha256("33123456789"));
        assertThat(MetaUserData.name("O'Neil-Smith")).isEqualTo(Hashing.sha256("oneilsmith"));
        assertThat(MetaUserData.name(" New York ")).isEqualTo(Hashing.sha256("newyork"));
        assertThat(MetaUserData.name("CA")).isEqualTo(Hashing.sha256("ca"));
        assertThat(MetaUserData.zip("94107-1234")).isEqualTo(Hashing.sha256("94107"));
        assertThat(MetaUserData.zip("SW1A 1AA")).isEqualTo(Hashing.sha256("sw1a1aa"));
        assertThat(MetaUserData.country(" US ")).isEqualTo(Hashing.sha256("us"));
        assertThat(MetaUserData.country("United States")).as("not an ISO code: left out").isNull();
        assertThat(MetaUserData.gender("Female")).isEqualTo(Hashing.sha256("f"));
        assertThat(MetaUserData.gender("other")).isNull();
        assertThat(MetaUserData.birthday("1990-04-01")).isEqualTo(Hashing.sha256("19900401"));
        assertThat(MetaUserData.email("   ")).isNull();
    }

    @Test
    void neverHashesTwice() {
        String digest = Hashing.sha256("jane.doe@example.com");
        assertThat(MetaUserData.email(digest.toUpperCase())).isEqualTo(digest);
        assertThat(MetaUserData.phone(digest)).isEqualTo(digest);
    }

    @Test
    void browserAndNetworkIdsAreNotHashed() throws Exception {
        ObjectNode event = (ObjectNode) MAPPER.readTree("""
                {"type":"track","event":"E","anonymousId":"anon-1",
                 "context":{"ip":"203.0.113.7","userAgent":"UA/1.0",
                   "providers":{"meta":{"fbp":"fb.1.1.2","fbc":"fb.1.1.click"}}}}""");
        ObjectNode userData = MAPPER.createObjectNode();
        assertThat(MetaUserData.fill(userData, event)).isTrue();
        assertThat(userData.get("client_ip_address").asText()).isEqualTo("203.0.113.7");
        assertThat(userData.get("client_user_agent").asText()).isEqualTo("UA/1.0");
        assertThat(userData.get("fbp").asText()).isEqualTo("fb.1.1.2");
        assertThat(userData.get("fbc").asText()).isEqualTo("fb.1.1.click");
        assertThat(userData.get("external_id").get(0).asText()).isEqualTo(Hashing.sha256("anon-1"));
        assertThat(userData.has("em")).isFalse();
    }
}
