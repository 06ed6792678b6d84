package io.drover.destinations;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HashingTest {

    @Test
    void normalisesThenHashes() {
        // sha256("jane.doe@example.com")
        assertThat(Hashing.hash(" Jane.Doe@Example.COM ", Hashing::email))
                .isEqualTo(Hashing.sha256("jane.doe@example.com"))
                .hasSize(64);
        assertThat(Hashing.sha256("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Hashing.sha256("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void neverHashesTwice() {
        String digest = Hashing.sha256("jane.doe@example.com");
        assertThat(Hashing.hash(digest.toUpperCase(), Hashing::email)).isEqualTo(digest);
        assertThat(Hashing.sha256(digest)).isEqualTo(digest);
    }

    @Test
    void primitives() {
        assertThat(Hashing.digits("+1 (650) 555-1234")).isEqualTo("16505551234");
        assertThat(Hashing.e164("+1 (650) 555-1234")).isEqualTo("+16505551234");
        assertThat(Hashing.lettersOnly(" San Francisco ")).isEqualTo("sanfrancisco");
        assertThat(Hashing.lettersOnly("Mary-Ann O'Neil")).isEqualTo("maryannoneil");
        assertThat(Hashing.lettersOnly("Zoë")).isEqualTo("zoë");
        assertThat(Hashing.compact(" SW1A 1AA ")).isEqualTo("sw1a1aa");
        assertThat(Hashing.hash("  ", Hashing::email)).isNull();
        assertThat(Hashing.hash(null, Hashing::email)).isNull();
    }
}
