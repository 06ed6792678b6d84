package io.drover.console;

import java.util.Locale;

/**
 * Where the admin port may listen: on loopback by default; elsewhere only with {@code drover.admin.token} set, since
 * without a token the admin API trusts whoever reaches it (it answers loopback peers only, but a port bound to every
 * interface invites a proxy or a container network to make remote peers look local).
 */
public final class AdminBinding {

    private AdminBinding() {
    }

    /** Throws, naming the settings, when {@code host} is not loopback and there is no token. */
    public static void check(String host, String token) {
        if (!isLoopback(host) && (token == null || token.isBlank())) {
            throw new IllegalStateException("drover.admin.host is " + host + ", not loopback, and drover.admin.token is"
                    + " not set: the admin API (replay, dead letters) would be open to the network. Set"
                    + " drover.admin.token (DROVER_ADMIN_TOKEN), or bind the admin port to 127.0.0.1");
        }
    }

    /** Literal loopback names only: no lookup is made. */
    static boolean isLoopback(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }
}
