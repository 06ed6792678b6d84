package io.drover.journey;

/** Texts a journey keeps are cut to a bound: the journeys' memory is capped whatever vendors send or answer. */
final class Clip {

    private Clip() {
    }

    /** The text itself when short enough (no copy), else its first {@code limit} characters. */
    static String of(String text, int limit) {
        if (text == null || text.length() <= limit) {
            return text;
        }
        return text.substring(0, limit);
    }

    static boolean clipped(String kept, int whole) {
        return kept != null && kept.length() < whole;
    }
}
