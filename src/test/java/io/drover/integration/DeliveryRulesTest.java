package io.drover.integration;

import java.time.Duration;

import io.drover.destinations.api.DeliveryException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rules every vendor call follows: which answers are retried, how long to wait, which targets are refused. */
class DeliveryRulesTest {

    @ParameterizedTest(name = "HTTP {0} retryable: {1}")
    @CsvSource({"500, true", "502, true", "503, true", "504, true", "599, true", "408, true", "429, true",
            "501, false", "505, false", "400, false", "401, false", "403, false", "404, false", "413, false", "422, false"})
    void statusesAreClassifiedAsDesignMdSays(int status, boolean retryable) {
        assertThat(DeliveryException.isRetryableStatus(status)).isEqualTo(retryable);
    }

    @Test
    void networkErrorsAreRetriedAndBugsAreNot() {
        assertThat(BatchDelivery.isRetryable(new org.apache.camel.RuntimeCamelException(new java.net.ConnectException("refused"))))
                .isTrue();
        assertThat(BatchDelivery.isRetryable(new java.net.SocketTimeoutException("read timed out"))).isTrue();
        assertThat(BatchDelivery.isRetryable(new NullPointerException())).isFalse();
        assertThat(BatchDelivery.isRetryable(new DeliveryException("x", 400, "", false, -1))).isFalse();
    }

    @Test
    void backoffGrowsWithJitterAndRetryAfterWinsUpToTheMaximum() {
        RetryPolicy policy = new RetryPolicy(3, Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofSeconds(30));
        for (int i = 0; i < 100; i++) {
            assertThat(policy.delayMillis(1, -1)).isBetween(500L, 1000L);
            assertThat(policy.delayMillis(3, -1)).isBetween(2000L, 4000L);
            assertThat(policy.delayMillis(20, -1)).isBetween(15_000L, 30_000L);
        }
        assertThat(policy.delayMillis(1, 7000)).isEqualTo(7000);
        assertThat(policy.delayMillis(1, 3_600_000)).isEqualTo(30_000);
    }

    @Test
    void givingUpNeedsBothTheCountAndTheWindowSpent() {
        RetryPolicy policy = new RetryPolicy(3, Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofSeconds(30));
        long start = 1_000_000;
        assertThat(policy.allowsAnother(2, start, start + 1000)).isTrue();
        assertThat(policy.allowsAnother(5, start, start + 60_000)).as("count spent, window not").isTrue();
        assertThat(policy.allowsAnother(2, start, start + 3_600_000)).as("window spent, count not").isTrue();
        assertThat(policy.allowsAnother(3, start, start + 600_000)).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"'120', 120000", "'0', 0", "'', -1", "'soon', -1"})
    void retryAfterInSeconds(String header, long millis) {
        assertThat(VendorCall.retryAfterMillis(header)).isEqualTo(millis);
    }

    @Test
    void retryAfterAsAnHttpDate() {
        String inTenSeconds = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(10));
        assertThat(VendorCall.retryAfterMillis(inTenSeconds)).isBetween(8_000L, 10_000L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1/hook", "http://localhost:8080/", "http://10.1.2.3/", "http://192.168.0.10/",
            "http://172.16.5.5/", "http://169.254.169.254/latest/meta-data", "http://[::1]/", "http://[fd00::1]/",
            "http://0.0.0.0/", "http://100.64.0.1/",
            // IPv4 in IPv6 (compatible, NAT64, 6to4, Teredo) and reserved IPv4 blocks: missed before TargetGuard
            "http://[::127.0.0.1]/", "http://[::a9fe:a9fe]/latest/meta-data", "http://[64:ff9b::7f00:1]/",
            "http://[64:ff9b:1::a00:1]/", "http://[2002:7f00:1::1]/", "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
            "http://198.18.0.1/", "http://192.0.2.1/", "http://240.0.0.1/", "http://192.0.0.8/"})
    void privateTargetsAreRefused(String url) {
        assertThatThrownBy(() -> VendorCall.checkTarget(url, false)).isInstanceOf(DeliveryException.class)
                .hasMessageContaining("drover.delivery.allow-private-targets");
        VendorCall.checkTarget(url, true);
    }

    /** Forms curl and browsers read as 127.0.0.1 (Java reads the octal one as 177.0.0.1, two others not at all). */
    @ParameterizedTest
    @ValueSource(strings = {"http://2130706433/", "http://0177.0.0.1/", "http://0x7f.0.0.1/", "http://127.1/"})
    void ambiguousNumericHostsAreRefusedEvenWithPrivateTargetsAllowed(String url) {
        for (boolean allowPrivate : new boolean[] {false, true}) {
            assertThatThrownBy(() -> VendorCall.checkTarget(url, allowPrivate)).isInstanceOf(DeliveryException.class)
                    .hasMessageContaining("not a dotted quad");
        }
    }

    @Test
    void publicTargetsPassWithoutAnyLookupOfNames() {
        // IP literals only: the test never needs DNS.
        VendorCall.checkTarget("https://8.8.8.8/collect", false);
        VendorCall.checkTarget("https://[2001:4860:4860::8888]/", false);
    }

    @Test
    void secretsInTheQueryAreMaskedInDeadLetters() {
        assertThat(VendorCall.redact("https://x.example/mp/collect?measurement_id=G-1&api_secret=abc&access_token=t"))
                .isEqualTo("https://x.example/mp/collect?measurement_id=G-1&api_secret=xxxxxx&access_token=xxxxxx");
    }
}
