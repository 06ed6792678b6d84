package io.drover.kits;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A kit's {@code oauth1Auth} (X's Ads API: twitter-conversions, x-ads): each request signed as OAuth 1.0a says
 * (RFC 5849, HMAC-SHA1 with the consumer and token secrets), in its {@code Authorization: OAuth ...} header. The body
 * is JSON, so only the URL's query and the {@code oauth_} parameters are signed (RFC 5849 3.4.1.3: a body is signed
 * only when it is a form). The JDK's HMAC does the signing: the rest is the RFC's encoding and ordering, a few lines,
 * where a library would bring an HTTP client of its own.
 */
final class KitOAuth1 {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String consumerKey;
    private final String consumerSecret;
    private final String token;
    private final String tokenSecret;

    KitOAuth1(String kit, JsonNode auth) {
        this.consumerKey = required(kit, auth, "consumerKey");
        this.consumerSecret = required(kit, auth, "consumerSecret");
        this.token = auth.path("accessToken").asText("");
        this.tokenSecret = auth.path("tokenSecret").asText("");
    }

    private static String required(String kit, JsonNode auth, String key) {
        String v = auth.path(key).asText("");
        if (v.isEmpty()) {
            throw new IllegalArgumentException(kit + ": connection oauth1Auth: " + key + " is required");
        }
        return v;
    }

    /** The Authorization header of a request to this URL, with a new nonce and the current time. */
    String header(String method, String url) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return header(method, url, HexFormat.of().formatHex(nonce), System.currentTimeMillis() / 1000, List.of());
    }

    /**
     * The header for a given nonce and time; {@code formParams}: a form body's parameters, signed too (none for
     * JSON; the RFC's and X's worked examples have some).
     */
    String header(String method, String url, String nonce, long timestamp, List<Map.Entry<String, String>> formParams) {
        List<String[]> oauth = new ArrayList<>(List.of(
                new String[] {"oauth_consumer_key", consumerKey},
                new String[] {"oauth_nonce", nonce},
                new String[] {"oauth_signature_method", "HMAC-SHA1"},
                new String[] {"oauth_timestamp", Long.toString(timestamp)}));
        if (!token.isEmpty()) {
            oauth.add(new String[] {"oauth_token", token});
        }
        oauth.add(new String[] {"oauth_version", "1.0"});
        // 3.4.1.3: every parameter encoded, sorted by name then value, joined as name=value&...
        List<String[]> all = new ArrayList<>();
        for (String[] p : oauth) {
            all.add(new String[] {encode(p[0]), encode(p[1])});
        }
        URI uri = URI.create(url);
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                if (!pair.isEmpty()) {
                    int eq = pair.indexOf('=');
                    String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                    String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                    all.add(new String[] {encode(name), encode(value)});
                }
            }
        }
        for (Map.Entry<String, String> p : formParams) {
            all.add(new String[] {encode(p.getKey()), encode(p.getValue())});
        }
        all.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder params = new StringBuilder();
        for (String[] p : all) {
            params.append(params.length() == 0 ? "" : "&").append(p[0]).append('=').append(p[1]);
        }
        // 3.4.1.2: the base URI is scheme and host in lower case, the port only when it is not the default, the path.
        String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port < 0 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        String base = scheme + "://" + uri.getHost().toLowerCase(java.util.Locale.ROOT) + (defaultPort ? "" : ":" + port)
                + (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
        String text = method.toUpperCase(java.util.Locale.ROOT) + "&" + encode(base) + "&" + encode(params.toString());
        String signature = hmacSha1(encode(consumerSecret) + "&" + encode(tokenSecret), text);
        StringBuilder header = new StringBuilder("OAuth ");
        oauth.add(2, new String[] {"oauth_signature", signature});   // the names in order, as X writes them
        for (int i = 0; i < oauth.size(); i++) {
            header.append(i == 0 ? "" : ", ").append(encode(oauth.get(i)[0])).append("=\"")
                    .append(encode(oauth.get(i)[1])).append('"');
        }
        return header.toString();
    }

    private static String hmacSha1(String key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 5849 3.6: every byte but the unreserved characters percent-encoded, in upper-case hex. */
    static String encode(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return b.toString();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
