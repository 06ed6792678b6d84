package io.drover.integration;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.drover.config.SecretsDirectory;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches {@code drover.integrations-dir}: a file added starts its integration, a file changed replaces only its
 * routes, a file deleted stops and removes them; the other integrations never stop. Camel's own route reload is not
 * used: in 4.x it ignores templatedRoutes and, by default, removes every route on a change.
 *
 * <p>Editors and copies write a file in several steps (and the watch service reports each): a file is acted on once
 * it has been quiet for {@code QUIET_MILLIS}.
 */
public final class ModuleWatcher extends ServiceSupport {

    static final long QUIET_MILLIS = 500;
    private static final Logger LOG = LoggerFactory.getLogger(ModuleWatcher.class);

    private final IntegrationModules modules;
    private final Path dir;
    /** Where secrets are read from (null: none), watched as well: a change reloads the modules that use it. */
    private final SecretsDirectory secrets;
    private Map<String, String> secretPrints = Map.of();
    private final Map<Path, Long> changed = new HashMap<>();
    private WatchService watcher;
    private Thread thread;

    public ModuleWatcher(IntegrationModules modules, Path dir, SecretsDirectory secrets) {
        this.modules = modules;
        this.dir = dir;
        this.secrets = secrets;
    }

    @Override
    protected void doStart() throws IOException {
        if (!Files.isDirectory(dir)) {
            LOG.info("{} is not a directory: integrations are not watched", dir);
            return;
        }
        watcher = FileSystems.getDefault().newWatchService();
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        if (secrets != null && Files.isDirectory(secrets.dir())) {
            secretPrints = secrets.fingerprints();
            secrets.dir().register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        } else if (secrets != null) {
            LOG.warn("drover.secrets-dir {} is not a directory: no secret is read from it", secrets.dir());
        }
        thread = new Thread(this::run, "drover-integrations-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    protected void doStop() throws Exception {
        if (watcher != null) {
            watcher.close();
        }
        if (thread != null) {
            thread.join(5000);
        }
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = watcher.poll(100, TimeUnit.MILLISECONDS);
                if (key != null) {
                    for (WatchEvent<?> event : key.pollEvents()) {
                        if (event.context() instanceof Path name) {
                            changed.put(((Path) key.watchable()).resolve(name), System.currentTimeMillis());
                        }
                    }
                    key.reset();
                }
                applySettled();
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // stopping
        }
    }

    private void applySettled() {
        long now = System.currentTimeMillis();
        changed.entrySet().removeIf(entry -> {
            if (now - entry.getValue() < QUIET_MILLIS) {
                return false;
            }
            apply(entry.getKey());
            return true;
        });
    }

    private void apply(Path file) {
        try {
            if (secrets != null && file.getParent().equals(secrets.dir())) {
                Map<String, String> now = secrets.fingerprints();
                java.util.Set<String> differ = new java.util.HashSet<>(now.keySet());
                differ.addAll(secretPrints.keySet());
                differ.removeIf(k -> java.util.Objects.equals(now.get(k), secretPrints.get(k)));
                secretPrints = now;
                if (!differ.isEmpty()) {
                    // Names only: the values never reach the log.
                    LOG.info("Secrets changed in {}: {}", secrets.dir(), differ);
                    modules.settingsChanged(differ);
                }
            } else if (file.getFileName().toString().contains(".playbook.")) {
                modules.playbookChanged(file);
            } else if (Files.exists(file) && IntegrationModules.isModule(file)) {
                modules.load(file);
            } else if (!Files.exists(file)) {
                modules.unload(file);
            }
        } catch (RuntimeException e) {
            LOG.error("Integration module {}: {}", file.getFileName(), e.toString());
        }
    }
}
