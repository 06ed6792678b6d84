package io.drover.destinations.mixpanel;

/**
 * Mixpanel's {@code $browser} from a user agent, with the names Mixpanel's JavaScript library gives the common
 * browsers. Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari". Unknown agents give none.
 */
final class Browsers {

    private Browsers() {
    }

    static String name(String userAgent) {
        if (userAgent == null) {
            return null;
        }
        if (userAgent.contains("Edg/") || userAgent.contains("Edge/")) {
            return "Microsoft Edge";
        }
        if (userAgent.contains("OPR/") || userAgent.contains("Opera")) {
            return "Opera";
        }
        if (userAgent.contains("Firefox/") || userAgent.contains("FxiOS/")) {
            return "Firefox";
        }
        if (userAgent.contains("CriOS/")) {
            return "Chrome iOS";
        }
        if (userAgent.contains("Chrome/")) {
            return "Chrome";
        }
        if (userAgent.contains("Safari/") && userAgent.contains("Version/")) {
            return userAgent.contains("Mobile") ? "Mobile Safari" : "Safari";
        }
        return null;
    }
}
