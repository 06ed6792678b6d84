package io.drover.support;

import java.util.Map;
import java.util.UUID;

import io.drover.DroverServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A secret given to Drover as an override setting (the command line, an embedding application, tests) is masked by
 * its value like one from the environment: Camel's loadProperties() does not return overrides, and a vendor's error
 * page echoing such a secret in a wrapped URL reached the console unmasked.
 */
class OverrideSecretsTest {

    @Test
    void aSecretPassedAsAnOverrideIsMaskedByItsValue() {
        String secret = "override_secret_" + UUID.randomUUID().toString().replace("-", "");
        new DroverServer(Map.of("ga4.api-secret", secret, "drover.http.port", "0"));
        assertThat(Redactor.redact("the vendor said: no such path /mp/collect?x=1&s=" + secret.substring(0, 4) + "\n"
                + secret + " is unknown")).doesNotContain(secret);
    }
}
