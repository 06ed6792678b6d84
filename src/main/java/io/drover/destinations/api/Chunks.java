package io.drover.destinations.api;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Cuts a batch into requests within a vendor's limits: at most {@code maxCount} items and {@code maxBytes} bytes per
 * request (Amplitude: 2,000 events and 1 MB; Meta: 1,000 events). Items keep their order. An item that alone exceeds
 * the byte limit cannot be sent at all and is returned apart, for the dead-letter topic.
 *
 * @param <T> an item, typically an event already serialised for the vendor
 */
public final class Chunks<T> {

    private final List<List<T>> chunks;
    private final List<T> tooLarge;

    private Chunks(List<List<T>> chunks, List<T> tooLarge) {
        this.chunks = chunks;
        this.tooLarge = tooLarge;
    }

    /**
     * @param items    in order
     * @param maxCount items per request (at least 1)
     * @param maxBytes bytes per request including {@code overhead}; 0 or less: no byte limit
     * @param overhead bytes of the request's envelope around the items
     * @param size     bytes of one item, plus its separator (a comma)
     */
    public static <T> Chunks<T> of(List<T> items, int maxCount, int maxBytes, int overhead, ToIntFunction<T> size) {
        if (maxCount < 1) {
            throw new IllegalArgumentException("maxCount must be at least 1");
        }
        List<List<T>> chunks = new ArrayList<>();
        List<T> tooLarge = new ArrayList<>();
        List<T> current = new ArrayList<>();
        long bytes = overhead;
        for (T item : items) {
            int s = maxBytes > 0 ? size.applyAsInt(item) + 1 : 0;
            if (maxBytes > 0 && overhead + s > maxBytes) {
                tooLarge.add(item);
                continue;
            }
            if (current.size() == maxCount || (maxBytes > 0 && bytes + s > maxBytes)) {
                chunks.add(current);
                current = new ArrayList<>();
                bytes = overhead;
            }
            current.add(item);
            bytes += s;
        }
        if (!current.isEmpty()) {
            chunks.add(current);
        }
        return new Chunks<>(List.copyOf(chunks), List.copyOf(tooLarge));
    }

    /** The requests' items, each list within both limits. */
    public List<List<T>> chunks() {
        return chunks;
    }

    /** Items larger than a whole request may be. */
    public List<T> tooLarge() {
        return tooLarge;
    }
}
