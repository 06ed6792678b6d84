package io.drover.config;

import java.util.Locale;

/**
 * An allowed origin with a wildcard for subdomains, {@code https://*.example.com}: it matches {@code
 * https://www.example.com} and {@code https://a.b.example.com} (one or more labels), with the same scheme and port,
 * and not {@code https://example.com} itself (list that too) nor {@code https://evil-example.com}. Or a wildcard for
 * the port of one host, {@code http://localhost:*}, for development servers.
 */
final class OriginPattern {

    private OriginPattern() {
    }

    static boolean matches(String pattern, String origin) {
        if (pattern.endsWith(":*")) {
            String host = pattern.substring(0, pattern.length() - 1).toLowerCase(Locale.ROOT);   // "http://localhost:"
            String o = origin.toLowerCase(Locale.ROOT);
            return o.startsWith(host) && o.length() > host.length()
                    && o.substring(host.length()).chars().allMatch(c -> c >= '0' && c <= '9');
        }
        int star = pattern.indexOf("://*.");
        if (star < 0) {
            return false;
        }
        String scheme = pattern.substring(0, star + 3).toLowerCase(Locale.ROOT);
        String suffix = pattern.substring(star + 4).toLowerCase(Locale.ROOT);   // ".example.com[:port]"
        String o = origin.toLowerCase(Locale.ROOT);
        if (!o.startsWith(scheme) || !o.endsWith(suffix)) {
            return false;
        }
        String labels = o.substring(scheme.length(), o.length() - suffix.length());
        if (labels.isEmpty() || labels.startsWith(".") || labels.endsWith(".") || labels.contains("..")) {
            return false;
        }
        for (int i = 0; i < labels.length(); i++) {
            char c = labels.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.')) {
                return false;   // no ':', '/', '@' or anything else that would make it another host
            }
        }
        return true;
    }
}
