package io.drover.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Starts a Java class in a child JVM on the test class path: another process, as in production. */
public final class JavaProcess {

    private JavaProcess() {
    }

    public static String classPath() {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        // Surefire's value ends with a separator. An empty entry means the working directory, the project root, whose
        // routes/ folder would then be found a second time as classpath:routes/*.yaml (duplicate route ids).
        return Arrays.stream(path.split(File.pathSeparator)).filter(e -> !e.isEmpty())
                .collect(Collectors.joining(File.pathSeparator));
    }

    public static Process start(String mainClass, List<String> jvmArgs, List<String> args, Map<String, String> env,
                                Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classPath());
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        return builder.start();
    }

    public static int run(String mainClass, List<String> args, Path log, long timeoutSeconds)
            throws IOException, InterruptedException {
        Process p = start(mainClass, List.of("-Xmx256m"), args, Map.of(), log);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(mainClass + " did not finish in " + timeoutSeconds + " s; see " + log);
        }
        return p.exitValue();
    }

    public static void stop(Process p) throws InterruptedException {
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
