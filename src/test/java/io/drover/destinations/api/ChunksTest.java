package io.drover.destinations.api;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunksTest {

    @Test
    void cutsByCountKeepingOrder() {
        Chunks<String> c = Chunks.of(List.of("a", "b", "c", "d", "e"), 2, 0, 0, String::length);
        assertThat(c.chunks()).containsExactly(List.of("a", "b"), List.of("c", "d"), List.of("e"));
        assertThat(c.tooLarge()).isEmpty();
    }

    @Test
    void cutsByBytesCountingEnvelopeAndSeparators() {
        // envelope 10 bytes; each item 9 bytes + 1 separator: two items make 30 bytes, a third would make 40.
        List<String> items = List.of("123456789", "123456789", "123456789");
        Chunks<String> c = Chunks.of(items, 100, 30, 10, String::length);
        assertThat(c.chunks()).extracting(List::size).containsExactly(2, 1);
        assertThat(Chunks.of(items, 100, 29, 10, String::length).chunks()).extracting(List::size).containsExactly(1, 1, 1);
    }

    @Test
    void anItemLargerThanARequestIsSetApart() {
        Chunks<String> c = Chunks.of(List.of("ok", "x".repeat(50), "ok2"), 10, 20, 2, String::length);
        assertThat(c.chunks()).containsExactly(List.of("ok", "ok2"));
        assertThat(c.tooLarge()).containsExactly("x".repeat(50));
    }

    @Test
    void emptyInputGivesNoRequest() {
        assertThat(Chunks.of(List.<String>of(), 5, 100, 0, String::length).chunks()).isEmpty();
        assertThatThrownBy(() -> Chunks.of(List.of("a"), 0, 0, 0, String::length)).isInstanceOf(IllegalArgumentException.class);
    }
}
