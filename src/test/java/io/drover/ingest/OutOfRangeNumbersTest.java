package io.drover.ingest;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The parse notes exactly the numbers a double cannot hold, so that only their requests are walked. */
class OutOfRangeNumbersTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "19.99, false", "1e308, false", "1.7976931348623157e308, false", "-1.7976931348623157e308, false",
            "1.7976931348623159e308, true", "1.8e308, true", "-2e308, true", "1e400, true", "123456789e400, true",
            "4.9e-324, false", "1e-400, false", "0e999, false",
            "1234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890, false"})
    void notesANumberBeyondADouble(String number, boolean beyond) throws Exception {
        OutOfRangeNumbers.reset();
        Json.MAPPER.readTree("{\"properties\":{\"a\":[1,{\"v\":" + number + "}]}}");
        assertThat(OutOfRangeNumbers.seen()).isEqualTo(beyond);
        // As the walk that refuses the event sees it.
        assertThat(!Double.isFinite(Json.MAPPER.readTree(number).doubleValue())).isEqualTo(beyond);
    }
}
