package io.drover.journey;

import java.util.ArrayList;
import java.util.List;

/** The latest journeys up to a count, the oldest overwritten: bounded whatever the traffic. */
final class Ring {

    private final Journey[] slots;
    private int next;
    private long added;

    Ring(int capacity) {
        this.slots = new Journey[Math.max(1, capacity)];
    }

    synchronized void add(Journey j) {
        slots[next] = j;
        next = (next + 1) % slots.length;
        added++;
    }

    /** Newest first. */
    synchronized List<Journey> snapshot() {
        int n = (int) Math.min(added, slots.length);
        List<Journey> out = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            out.add(slots[(next - i + slots.length) % slots.length]);
        }
        return out;
    }
}
