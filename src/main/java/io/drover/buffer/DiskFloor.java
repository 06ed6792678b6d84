package io.drover.buffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A free-space floor on the embedded broker's log directory: below it, ingestion is refused (503 {@code disk_full})
 * while the broker still has room for what it writes by itself (indexes of new segments, consumer offsets, identity,
 * dead letters, the metadata log, the log cleaner's copies). A broker whose log directory fills up fails for good.
 *
 * <p>The free space is read on a timer (every {@value #CHECK_MILLIS} ms, one {@code statvfs}) and the verdict
 * published in a volatile field: a request only reads that field. Once refusing, it resumes only when the free space
 * is back above the floor plus a margin (a tenth of the floor, at least 1 MiB), so that it does not flap at the
 * boundary. It logs once when it starts refusing and once when it resumes.
 */
public final class DiskFloor extends ServiceSupport implements BufferGate {

    private static final Logger LOG = LoggerFactory.getLogger(DiskFloor.class);
    static final long CHECK_MILLIS = 500;
    static final int RETRY_AFTER_SECONDS = 30;
    private static final long MIB = 1024 * 1024;

    private final String where;
    private final LongSupplier usableSpace;
    private final long floor;
    private final long resumeAt;
    private volatile BufferUnavailable refusal;
    private volatile long free = -1;
    private boolean failedToRead;
    private ScheduledExecutorService timer;

    /**
     * @param where       what is watched, for the log and the health check (e.g. the log directory)
     * @param usableSpace the bytes free for this process where the broker writes
     * @param floor       refuse below this many free bytes (greater than 0)
     */
    public DiskFloor(String where, LongSupplier usableSpace, long floor) {
        if (floor <= 0) {
            throw new IllegalArgumentException("a disk floor must be above 0 bytes");
        }
        this.where = where;
        this.usableSpace = usableSpace;
        this.floor = floor;
        this.resumeAt = floor + Math.max(floor / 10, MIB);
    }

    /**
     * The floor for a directory: {@code minFreeBytes}, or {@code minFreePercent} of its file system's size if that is
     * more; null when both are 0 (no floor).
     */
    public static DiskFloor of(Path dir, long minFreeBytes, double minFreePercent) throws IOException {
        FileStore store = Files.getFileStore(dir);
        long floor = Math.max(minFreeBytes, (long) (store.getTotalSpace() * minFreePercent / 100));
        if (floor <= 0) {
            return null;
        }
        return new DiskFloor(dir.toString(), () -> {
            try {
                return store.getUsableSpace();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, floor);
    }

    @Override
    public BufferUnavailable refusal() {
        return refusal;
    }

    public long floorBytes() {
        return floor;
    }

    public long resumeBytes() {
        return resumeAt;
    }

    /** The free bytes at the last check (-1 before the first). */
    public long freeBytes() {
        return free;
    }

    /** A message for the health check: null while above the floor. */
    public String healthMessage() {
        BufferUnavailable r = refusal;
        return r == null ? null : where + ": " + r.getMessage();
    }

    /** Reads the free space once and updates the verdict (the timer calls it; tests may too). */
    synchronized void check() {
        long now;
        try {
            now = usableSpace.getAsLong();
        } catch (RuntimeException e) {
            // Keep the last verdict: a failed read says nothing about the space.
            if (!failedToRead) {
                failedToRead = true;
                LOG.warn("Cannot read the free space of {}: {}", where, e.toString());
            }
            return;
        }
        failedToRead = false;
        free = now;
        boolean refusing = refusal != null;
        if ((!refusing && now < floor) || (refusing && now < resumeAt)) {
            refusal = new BufferUnavailable("disk_full", "the event buffer's disk has " + size(now)
                    + " free, below its floor of " + size(floor) + " (drover.kafka.embedded.min-free): Drover takes"
                    + " no events until space is freed; retry later", RETRY_AFTER_SECONDS);
            if (!refusing) {
                LOG.warn("Free space of {} is {}, below the floor of {} (drover.kafka.embedded.min-free): ingestion"
                        + " answers 503 disk_full until {} are free", where, size(now), size(floor), size(resumeAt));
            }
        } else if (refusing) {
            refusal = null;
            LOG.info("Free space of {} is {} again (above {}): ingestion takes events again", where, size(now),
                    size(resumeAt));
        }
    }

    @Override
    protected void doStart() {
        check();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "drover-disk-floor");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
        LOG.info("Free-space floor of {}: {} (free now: {}); ingestion is refused below it", where, size(floor),
                size(free));
    }

    @Override
    protected void doStop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    static String size(long bytes) {
        if (bytes >= 1024 * MIB) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * MIB));
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
    }
}
