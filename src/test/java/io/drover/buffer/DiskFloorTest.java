package io.drover.buffer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.drover.testing.DroverProcess;
import io.drover.testing.Http;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The free-space floor of the embedded broker's log directory: its hysteresis, with a free space the test sets, and a
 * real Drover whose floor is above the free space of its disk, which refuses events with 503 and is not ready.
 */
class DiskFloorTest {

    private static final long MIB = 1024 * 1024;
    private DroverProcess drover;

    @Test
    void refusesBelowTheFloorAndResumesOnlyAboveTheFloorPlusAMargin() {
        AtomicLong free = new AtomicLong(200 * MIB);
        DiskFloor floor = new DiskFloor("test-dir", free::get, 100 * MIB);
        floor.check();
        assertThat(floor.refusal()).isNull();
        assertThat(floor.resumeBytes()).isEqualTo(110 * MIB);

        free.set(99 * MIB);
        floor.check();
        BufferUnavailable refused = floor.refusal();
        assertThat(refused).isNotNull();
        assertThat(refused.code()).isEqualTo("disk_full");
        assertThat(refused.retryAfterSeconds()).isEqualTo(30);
        assertThat(refused.getMessage()).contains("99.0 MiB free").contains("floor of 100.0 MiB");
        assertThat(floor.healthMessage()).startsWith("test-dir: ");

        // Back above the floor but under the margin: still refusing (no flapping at the boundary).
        free.set(105 * MIB);
        floor.check();
        assertThat(floor.refusal()).isNotNull();
        assertThat(floor.refusal().getMessage()).contains("105.0 MiB free");

        free.set(110 * MIB);
        floor.check();
        assertThat(floor.refusal()).isNull();
        assertThat(floor.healthMessage()).isNull();

        // Taking events again, it refuses only below the floor itself.
        free.set(101 * MIB);
        floor.check();
        assertThat(floor.refusal()).isNull();
        free.set(100 * MIB - 1);
        floor.check();
        assertThat(floor.refusal()).isNotNull();
    }

    @Test
    void aFailedReadOfTheFreeSpaceKeepsTheLastVerdict() {
        AtomicLong free = new AtomicLong(10 * MIB);
        DiskFloor floor = new DiskFloor("test-dir", () -> {
            if (free.get() < 0) {
                throw new IllegalStateException("statvfs failed");
            }
            return free.get();
        }, 20 * MIB);
        floor.check();
        assertThat(floor.refusal()).isNotNull();
        free.set(-1);
        floor.check();
        assertThat(floor.refusal()).isNotNull();
        assertThat(floor.freeBytes()).isEqualTo(10 * MIB);
    }

    @Test
    void theFloorIsTheLargerOfBytesAndPercentAndZeroMeansNone() throws Exception {
        Path dir = Files.createTempDirectory("drover-floor-");
        long total = Files.getFileStore(dir).getTotalSpace();
        assertThat(DiskFloor.of(dir, 0, 0)).isNull();
        assertThat(DiskFloor.of(dir, 512 * MIB, 0).floorBytes()).isEqualTo(512 * MIB);
        assertThat(DiskFloor.of(dir, 1, 50).floorBytes()).isEqualTo((long) (total * 50.0 / 100));
    }

    /** A real Drover whose floor is 1 TiB above its disk's free space: nothing is taken, and it says why. */
    @Test
    void aDroverBelowItsFloorAnswers503DiskFullAndIsNotReady() throws Exception {
        Path dir = Files.createTempDirectory("drover-floor-");
        long floor = Files.getFileStore(dir).getUsableSpace() + 1024L * 1024 * MIB;
        drover = new DroverProcess(dir, dir, "wk_floor_0123456789",
                Map.of("DROVER_KAFKA_EMBEDDED_MIN_FREE", String.valueOf(floor))).start("drover.log").awaitAdmitting();

        Http.Response r = drover.post("/v1/track", "{\"userId\":\"u\",\"event\":\"E\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(503);
        assertThat(r.header("retry-after")).isEqualTo("30");
        assertThat(r.json().get("code").asText()).isEqualTo("disk_full");
        assertThat(r.json().get("message").asText()).contains("below its floor of");
        assertThat(drover.post("/v1/batch", "{\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\"}]}")
                .status()).isEqualTo(503);
        // What needs no buffer is still answered.
        assertThat(drover.post("/v1/m", "{\"series\":[]}").status()).isEqualTo(200);

        // Once Camel has started (its context check is DOWN before), readiness names the floor; liveness is UP.
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            Http.Response ready = drover.admin("/observe/health/ready");
            assertThat(ready.status()).as(ready.body()).isEqualTo(503);
            assertThat(ready.body()).doesNotContain("is starting").contains("drover-disk").contains("below its floor");
            Http.Response live = drover.admin("/observe/health/live");
            assertThat(live.status()).as(live.body()).isEqualTo(200);
            assertThat(live.body()).doesNotContain("drover-disk");
        });
        // Said once in the log, not per request or per check.
        assertThat(drover.post("/v1/track", "{\"userId\":\"u\",\"event\":\"E\"}").status()).isEqualTo(503);
        assertThat(Files.readString(dir.resolve("drover.log")))
                .containsOnlyOnce("ingestion answers 503 disk_full until");
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (drover != null) {
            drover.stop();
        }
    }
}
