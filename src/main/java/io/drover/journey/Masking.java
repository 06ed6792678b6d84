package io.drover.journey;

import java.util.Locale;
import java.util.regex.Pattern;

import io.drover.support.Redactor;

/**
 * Secrets out of what a journey shows: every text passes Drover's {@link Redactor} (the values of secret settings,
 * credential-shaped parts of URLs and bodies), and headers whose names say they carry a credential are masked whole
 * (Authorization, a signature, an API key).
 */
public final class Masking {

    public static final Masking SECRETS = new Masking();
    private static final Pattern SECRET_HEADER = Pattern.compile(
            "(?i)authorization|proxy-authorization|cookie|.*(token|secret|api[-_]?key|signature|password).*");

    private Masking() {
    }

    String text(String text) {
        return text == null ? null : Redactor.redact(text);
    }

    String url(String url) {
        return text(url);
    }

    String body(String body) {
        return text(body);
    }

    /** A header's value as shown: masked whole when its name says it is a credential, else redacted. */
    public String headerValue(String name, String value) {
        return header(name, value);
    }

    String header(String name, String value) {
        if (name != null && SECRET_HEADER.matcher(name.toLowerCase(Locale.ROOT)).matches()) {
            return Redactor.MASK;
        }
        return text(value);
    }
}
