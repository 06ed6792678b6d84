package io.drover.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The window's promise: an id is remembered for at least the window or maxEntries later ids, at most twice that. */
class DedupeWindowTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private DedupeWindow window(Duration length, int maxEntries) {
        return new DedupeWindow(length, maxEntries, now::get);
    }

    private static void remember(DedupeWindow w, String source, String messageId) {
        w.remember(w.key(source, messageId));
    }

    private static boolean seen(DedupeWindow w, String source, String messageId) {
        return w.contains(w.key(source, messageId));
    }

    @Test
    void remembersIdsPerSource() {
        DedupeWindow w = window(Duration.ofHours(24), 1000);
        remember(w, "web", "m-1");
        assertThat(seen(w, "web", "m-1")).isTrue();
        assertThat(seen(w, "web", "m-2")).isFalse();
        // The same id from another source is another event.
        assertThat(seen(w, "backend", "m-1")).isFalse();
        // The separator keeps "a" + "bc" apart from "ab" + "c".
        remember(w, "a", "bc");
        assertThat(seen(w, "ab", "c")).isFalse();
    }

    @Test
    void keepsAnIdForAtLeastMaxEntriesLaterIdsAndForgetsItAfterTwiceThat() {
        int max = 1000;
        DedupeWindow w = window(Duration.ofHours(24), max);
        remember(w, "web", "first");
        for (int i = 0; i < max; i++) {
            remember(w, "web", "later-" + i);
        }
        assertThat(seen(w, "web", "first")).as("after maxEntries later ids").isTrue();
        for (int i = max; i < 2 * max; i++) {
            remember(w, "web", "later-" + i);
        }
        assertThat(seen(w, "web", "first")).as("after twice maxEntries later ids").isFalse();
        assertThat(seen(w, "web", "later-" + (2 * max - 1))).isTrue();
        assertThat(seen(w, "web", "later-" + max)).isTrue();
    }

    @Test
    void keepsAnIdForAtLeastTheWindowAndForgetsItAfterTwiceTheWindow() {
        DedupeWindow w = window(Duration.ofMinutes(10), 1000);
        remember(w, "web", "early");
        now.addAndGet(Duration.ofMinutes(9).toNanos());
        remember(w, "web", "late");
        assertThat(seen(w, "web", "early")).isTrue();
        now.addAndGet(Duration.ofMinutes(2).toNanos());
        // 11 minutes: the generation holding "early" turned previous, still remembered.
        assertThat(seen(w, "web", "early")).isTrue();
        assertThat(seen(w, "web", "late")).isTrue();
        now.addAndGet(Duration.ofMinutes(10).toNanos());
        // 21 minutes: "early" and "late" (12 minutes old) were both in the generation that is now forgotten.
        assertThat(seen(w, "web", "early")).isFalse();
        assertThat(seen(w, "web", "late")).isFalse();
    }

    @Test
    void forgetsEverythingAfterAnIdleTimeLongerThanTwoWindows() {
        DedupeWindow w = window(Duration.ofMinutes(10), 1000);
        remember(w, "web", "m");
        now.addAndGet(Duration.ofMinutes(25).toNanos());
        assertThat(seen(w, "web", "m")).isFalse();
    }

    @Test
    void holdsManyIdsWithoutFalseDuplicates() {
        int max = 200_000;
        DedupeWindow w = window(Duration.ofHours(24), max);
        for (int i = 0; i < max; i++) {
            remember(w, "web", "id-" + i);
        }
        for (int i = 0; i < max; i++) {
            assertThat(seen(w, "web", "id-" + i)).isTrue();
        }
        int falseHits = 0;
        for (int i = max; i < 2 * max; i++) {
            if (seen(w, "web", "id-" + i)) {
                falseHits++;
            }
        }
        assertThat(falseHits).isZero();
    }

    @Test
    void refusesAnImpossibleSize() {
        assertThatThrownBy(() -> window(Duration.ofHours(1), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dedupe-max-entries");
    }

    /** Every instance must name the same first copy: the first position read wins, whoever remembered the id first. */
    @Test
    void keepsTheFirstPositionReadOfAnId() {
        DedupeWindow w = window(Duration.ofHours(24), 1000);
        long key = w.key("web", "m-1");
        w.remember(key);   // ingestion stored it here; the tail has not read it yet
        long first = w.stored(key, 3, 41);
        assertThat(DedupeWindow.partition(first)).isEqualTo(3);
        assertThat(DedupeWindow.offset(first)).isEqualTo(41);
        assertThat(w.stored(key, 3, 97)).as("a later copy of the same partition names the first").isEqualTo(first);
        // Read by the tail only (another instance stored it): remembered for ingestion too.
        long other = w.key("web", "m-2");
        long p = w.stored(other, 5, (1L << 40) + 7);
        assertThat(w.contains(other)).isTrue();
        assertThat(DedupeWindow.partition(p)).isEqualTo(5);
        assertThat(DedupeWindow.offset(p)).isEqualTo((1L << 40) + 7);
    }

    @Test
    void positionsSurviveTheTablesGrowingAndAGenerationTurning() {
        DedupeWindow w = window(Duration.ofHours(24), 5000);
        for (int i = 0; i < 5000; i++) {
            w.stored(w.key("web", "m-" + i), i % 6, i);
        }
        w.stored(w.key("web", "new"), 0, 1);   // the current generation is full: it becomes the previous one
        for (int i = 0; i < 5000; i += 499) {
            // A copy read later names the id's first position, in whichever generation it is.
            long p = w.stored(w.key("web", "m-" + i), 1, 99_999);
            assertThat(DedupeWindow.partition(p)).isEqualTo(i % 6);
            assertThat(DedupeWindow.offset(p)).isEqualTo(i);
        }
    }
}
