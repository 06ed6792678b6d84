package io.drover.kits;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.api.Batch;
import io.drover.destinations.api.VendorRequest;
import org.junit.jupiter.api.Assumptions;

/**
 * MetaRouter's starter kits as npm installs them ({@code @metarouter/ajs-starter-kit}, pinned in src/test/npm):
 * nothing of them is in the repository. Tests that need them skip, saying why, when the package is not installed.
 */
final class StarterKits {

    static final Path PACKAGE = Path.of("src/test/npm/node_modules/@metarouter/ajs-starter-kit");
    static final Path KITS = PACKAGE.resolve(Kit.NPM_KITS);

    private StarterKits() {
    }

    static void assumeInstalled() {
        Assumptions.assumeTrue(Files.isDirectory(KITS), "MetaRouter's starter kits are not installed at " + KITS
                + ": run npm ci --prefix src/test/npm (Maven does when npm is there)");
    }

    /** Every kit folder's name, sorted. */
    static List<String> names() {
        try (Stream<Path> dirs = Files.list(KITS)) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Kit kit(String name) {
        return Kit.read(KITS.resolve(name));
    }

    /** A value for each parameter: its example, else its name (what a user fills in). */
    static Map<String, String> exampleParams(Kit kit) {
        Map<String, String> values = new LinkedHashMap<>();
        kit.params().forEach((name, p) -> {
            if (p.defaultValue() == null) {
                values.put(name, example(kit, name));
            }
        });
        return values;
    }

    private static String example(Kit kit, String name) {
        for (var root : new com.fasterxml.jackson.databind.JsonNode[] {kit.connection(), kit.playbook()}) {
            for (var p : root.path("params")) {
                if (p.path("name").asText().equals(name) && p.hasNonNull("exampleValue")) {
                    return p.get("exampleValue").asText();
                }
            }
        }
        return name.toLowerCase(java.util.Locale.ROOT);
    }

    static KitRequest.Compiled compile(String name, Map<String, String> params) {
        return KitRequest.compile(kit(name), params, LuaSandbox.Bounds.DEFAULT);
    }

    /**
     * A stand-in for every kit's OAuth 2 token endpoint, on loopback: any POST gets a token (under both names the
     * kits read, access_token and access). Started on first use, for the tests' JVM.
     */
    static synchronized String tokenEndpoint() {
        if (tokens == null) {
            tokens = new com.github.tomakehurst.wiremock.WireMockServer(
                    com.github.tomakehurst.wiremock.core.WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
            tokens.start();
            tokens.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(
                    com.github.tomakehurst.wiremock.client.WireMock.anyUrl()).willReturn(
                    com.github.tomakehurst.wiremock.client.WireMock.okJson(
                            "{\"access_token\":\"stand-in-token\",\"access\":\"stand-in-token\",\"expires_in\":3600}")));
            Runtime.getRuntime().addShutdownHook(new Thread(tokens::stop));
        }
        return "http://127.0.0.1:" + tokens.port();
    }

    private static com.github.tomakehurst.wiremock.WireMockServer tokens;
    private static String pem;

    /** A fresh RSA key as PKCS#8 PEM (a Google service account's private_key), made once. */
    static synchronized String privateKeyPem() {
        if (pem == null) {
            try {
                var generator = java.security.KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                byte[] der = generator.generateKeyPair().getPrivate().getEncoded();
                pem = "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes())
                        .encodeToString(der) + "\n-----END PRIVATE KEY-----\n";
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        return pem;
    }
    private static final org.apache.camel.CamelContext LOOPBACK_ALLOWED = new org.apache.camel.impl.DefaultCamelContext();

    static {
        LOOPBACK_ALLOWED.getRegistry().bind(io.drover.integration.TargetGuard.BEAN, new io.drover.integration.TargetGuard(true));
    }

    /** The requests a compiled kit makes for these events, and what the batch was told (tokens from the stand-in). */
    static List<VendorRequest> requests(KitRequest.Compiled kit, Batch batch, List<ObjectNode> events) {
        KitRequest bean = new KitRequest();
        bean.setCamelContext(LOOPBACK_ALLOWED);
        bean.setAuthBaseUrl(tokenEndpoint());
        return bean.requests(kit, events, batch);
    }
}
