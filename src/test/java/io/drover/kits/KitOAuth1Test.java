package io.drover.kits;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.destinations.GoldenFiles;
import io.drover.destinations.api.Batch;
import io.drover.destinations.api.VendorRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OAuth 1.0a signing of the kits with {@code oauth1Auth} (X's conversions API): the signature of X's own worked
 * example ("Creating a signature", developer.x.com), and the x-ads kit's requests signed, each with a nonce of its own.
 */
class KitOAuth1Test {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void xsWorkedExampleGivesItsSignature() throws Exception {
        KitOAuth1 auth = new KitOAuth1("example", MAPPER.readTree("""
                {"consumerKey": "xvz1evFS4wEEPTGEFPHBog",
                 "consumerSecret": "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
                 "accessToken": "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
                 "tokenSecret": "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"}"""));
        String header = auth.header("POST", "https://api.twitter.com/1.1/statuses/update.json?include_entities=true",
                "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", 1318622958,
                List.of(Map.entry("status", "Hello Ladies + Gentlemen, a signed OAuth request!")));
        assertThat(header).isEqualTo("OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", "
                + "oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", "
                + "oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\", oauth_signature_method=\"HMAC-SHA1\", "
                + "oauth_timestamp=\"1318622958\", oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", "
                + "oauth_version=\"1.0\"");
    }

    @Test
    void theXAdsKitsRequestsAreSignedEachWithItsOwnNonce() {
        StarterKits.assumeInstalled();
        Kit kit = StarterKits.kit("x-ads");
        KitRequest.Compiled c = KitRequest.compile(kit, StarterKits.exampleParams(kit), LuaSandbox.Bounds.DEFAULT);
        List<ObjectNode> events = List.of(GoldenFiles.event("order-completed"));
        VendorRequest first = StarterKits.requests(c, new Batch(), events).get(0);
        VendorRequest second = StarterKits.requests(c, new Batch(), events).get(0);
        String header = first.headers().get("Authorization");
        Matcher nonce = Pattern.compile("oauth_nonce=\"([^\"]+)\"").matcher(header);
        Matcher time = Pattern.compile("oauth_timestamp=\"(\\d+)\"").matcher(header);
        assertThat(nonce.find() && time.find()).isTrue();
        // The header is the signature of this request (the kit's URL, its method) for that nonce and time.
        KitOAuth1 same = new KitOAuth1("x-ads", kit.withParams(StarterKits.exampleParams(kit)).connection()
                .at("/default/oauth1Auth"));
        assertThat(header).isEqualTo(same.header("POST", first.url(), nonce.group(1), Long.parseLong(time.group(1)),
                List.of()));
        assertThat(header).startsWith("OAuth oauth_consumer_key=\"my-consumer-key\"").contains("oauth_token=\"my-access-token\"");
        assertThat(second.headers().get("Authorization")).doesNotContain(nonce.group(1));
        assertThat(first.url()).isEqualTo("https://ads-api.x.com/12/measurement/conversions/my-pixel-id");
    }
}
