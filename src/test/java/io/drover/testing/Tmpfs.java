package io.drover.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted on a fresh directory, to run Drover on a disk that really fills up. Mounting needs root (or
 * CAP_SYS_ADMIN): elsewhere the calling test is skipped, with the reason.
 */
public final class Tmpfs implements AutoCloseable {

    public final Path dir;
    private boolean mounted;

    private Tmpfs(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code size} (as mount takes it: 64m) or skips the test if that cannot be done here. */
    public static Tmpfs mount(String size) throws IOException, InterruptedException {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root to mount a tmpfs (running as " + System.getProperty("user.name") + ")");
        Tmpfs t = new Tmpfs(Files.createTempDirectory("drover-tmpfs-"));
        Path out = Files.createTempFile("drover-mount-", ".out");
        int status;
        try {
            status = run(out, "mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", t.dir.toString());
        } catch (IOException e) {
            Files.deleteIfExists(t.dir);
            throw new org.opentest4j.TestAbortedException("cannot run mount here: " + e.getMessage());
        }
        if (status != 0) {
            Files.deleteIfExists(t.dir);
        }
        Assumptions.assumeTrue(status == 0, "mount -t tmpfs failed here (" + status + "): " + Files.readString(out).trim());
        t.mounted = true;
        return t;
    }

    public long usableSpace() throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
    }

    /** Writes a file of incompressible bytes of about {@code bytes} (whole MiB), or until the disk is full. */
    public Path fill(String name, long bytes) throws IOException {
        Path file = dir.resolve(name);
        ByteBuffer chunk = ByteBuffer.allocate(1024 * 1024);
        ThreadLocalRandom.current().nextBytes(chunk.array());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long written = 0; written + chunk.capacity() <= bytes; written += chunk.capacity()) {
                chunk.clear();
                while (chunk.hasRemaining()) {
                    ch.write(chunk);
                }
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
        return file;
    }

    /** Unmounts (lazily if something still holds a file open) and removes the mount point. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (mounted) {
            Path out = Files.createTempFile("drover-umount-", ".out");
            if (run(out, "umount", dir.toString()) != 0 && run(out, "umount", "-l", dir.toString()) != 0) {
                throw new IllegalStateException("cannot unmount " + dir + ": "
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
            mounted = false;
        }
        Files.deleteIfExists(dir);
    }

    private static int run(Path out, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
