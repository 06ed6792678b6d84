package io.drover.support;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written fast paths read and write exactly what java.time does. */
class IsoTimeTest {

    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** What IsoTime read before its fast path: java.time alone. */
    private static Instant javaTime(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"2026-11-28T10:00:00.000Z", "2026-11-28T10:00:00Z", "2026-11-28T10:00:00",
            "2026-11-28T10:00:00.1Z", "2026-11-28T10:00:00.123456789Z", "2026-11-28T10:00:00.1234567891Z",
            "2026-11-28T10:00:00.Z", "2026-11-28T10:00:00+02:00", "2026-11-28T10:00:00.5-05:30",
            "2026-11-28T10:00:00+18:00", "2026-11-28T10:00:00+18:01", "2026-11-28T10:00:00+19:00",
            "2026-11-28T10:00:00+0200", "2026-11-28T10:00:00+02", "2026-11-28T10:00:00+02:00:30",
            "2026-11-28t10:00:00z", "2026-11-28 10:00:00Z", "2026-02-29T10:00:00Z", "2024-02-29T10:00:00Z",
            "2026-13-01T10:00:00Z", "2026-11-31T10:00:00Z", "2026-11-28T24:00:00Z", "2026-11-28T23:60:00Z",
            "2026-11-28T23:59:60Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "+10000-01-01T00:00:00Z",
            "2026-11-28T10:00Z", "2026-11-28", "2026-1-28T10:00:00Z", "２０２６-11-28T10:00:00Z",
            "2026-11-28T10:00:00.000ZZ", "2026-11-28T10:00:00.000Z ", "", "not a time", "2026-11-28T1O:00:00Z"})
    void readsWhatJavaTimeReads(String text) {
        assertThat(IsoTime.parse(text)).isEqualTo(javaTime(text));
    }

    @Test
    void theFastPathTakesTheCommonShapes() {
        // Not a detour through java.time for the shapes SDKs send.
        assertThat(IsoTime.parseCommon("2026-11-28T10:00:00.000Z")).isEqualTo(Instant.parse("2026-11-28T10:00:00Z"));
        assertThat(IsoTime.parseCommon("2026-11-28T10:00:00+01:00")).isEqualTo(Instant.parse("2026-11-28T09:00:00Z"));
        assertThat(IsoTime.parseCommon("2026-11-28T10:00:00")).isEqualTo(Instant.parse("2026-11-28T10:00:00Z"));
        assertThat(IsoTime.parseCommon("2026-11-28t10:00:00.5z")).isEqualTo(Instant.parse("2026-11-28T10:00:00.5Z"));
    }

    @Test
    void randomTimesRoundTripAsJavaTimeWritesThem() {
        SplittableRandom r = new SplittableRandom(11);
        long min = Instant.parse("0001-01-01T00:00:00Z").toEpochMilli();
        long max = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
        for (int i = 0; i < 100_000; i++) {
            Instant t = Instant.ofEpochMilli(r.nextLong(min, max)).plusNanos(r.nextInt(1_000_000));
            String written = IsoTime.format(t);
            assertThat(written).isEqualTo(MILLIS.format(t));
            assertThat(IsoTime.parse(written)).isEqualTo(javaTime(written));
            String offset = OffsetDateTime.ofInstant(t, ZoneOffset.ofHoursMinutes(r.nextInt(-18, 19), 0)).toString();
            assertThat(IsoTime.parse(offset)).as(offset).isEqualTo(javaTime(offset));
        }
    }

    @Test
    void yearsOutsideOneToNineThousandAreWrittenByTheFormatter() {
        Instant early = Instant.parse("-0001-06-01T00:00:00Z");
        assertThat(IsoTime.format(early)).isEqualTo(MILLIS.format(early));
    }
}
