package io.drover.config;

import java.nio.file.Files;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which sources' userIds are believed, as read from the settings (docs/security.md, section 2). */
class SourceTrustTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @Test
    void aServerSideSourceIsTrustedAndABrowserSourceIsNotUnlessItOptsOut() throws Exception {
        Sources sources = load(Map.of(
                "drover.sources.api.write-key", "k-api",
                "drover.sources.api.allowed-origins", "",
                "drover.sources.site.write-key", "k-site",
                "drover.sources.site.allowed-origins", "https://www.shop.example",
                "drover.sources.site.user-hash-secret", SECRET,
                "drover.sources.any.write-key", "k-any",
                "drover.sources.legacy.write-key", "k-legacy",
                "drover.sources.legacy.trust-user-ids", "true"));
        Source api = sources.byWriteKey("k-api");
        Source site = sources.byWriteKey("k-site");
        Source any = sources.byWriteKey("k-any");
        Source legacy = sources.byWriteKey("k-legacy");
        assertThat(api.serverSide()).isTrue();
        assertThat(api.trustsUserIds()).isTrue();
        assertThat(site.trustsUserIds()).isFalse();
        assertThat(site.userHashSecret()).isEqualTo(SECRET);
        assertThat(any.trustsUserIds()).as("origins unset: any origin, a browser source").isFalse();
        assertThat(any.userHashSecret()).isNull();
        assertThat(legacy.trustsUserIds()).isTrue();
        assertThat(site.toString()).doesNotContain(SECRET);
    }

    @Test
    void aShortUserHashSecretRefusesToStart() {
        // One user's own (userId, userHash) pair would let a short key be found offline, then any user's forged.
        assertThatThrownBy(() -> load(Map.of("drover.sources.site.write-key", "k",
                "drover.sources.site.user-hash-secret", "short-secret")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("drover.sources.site.user-hash-secret must be at least 32 characters")
                .hasMessageNotContaining("short-secret");
    }

    private static Sources load(Map<String, String> settings) throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Properties p = new Properties();
            p.putAll(settings);
            context.getPropertiesComponent().setInitialProperties(p);
            return Sources.load(context, new Settings(context), Files.createTempDirectory("sources-"));
        }
    }
}
