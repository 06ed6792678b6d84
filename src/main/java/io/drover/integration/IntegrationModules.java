package io.drover.integration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vendor modules of {@code drover.integrations-dir}: each YAML file is loaded on its own, so that a broken one is
 * reported (file and reason) and leaves the others running. Remembers which routes each file made, so that a file can
 * be replaced or removed alone.
 */
public final class IntegrationModules {

    private static final Logger LOG = LoggerFactory.getLogger(IntegrationModules.class);

    private final CamelContext context;
    private final Path dir;
    private final Map<Path, List<String>> routesByFile = new LinkedHashMap<>();
    private final Map<Path, String> errors = new LinkedHashMap<>();

    public IntegrationModules(CamelContext context, Path dir) {
        this.context = context;
        this.dir = dir;
    }

    /** Loads every module file of the directory. */
    public synchronized void loadAll() throws IOException {
        if (!Files.isDirectory(dir)) {
            LOG.info("No integrations directory at {}: no integration runs", dir);
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(IntegrationModules::isModule).sorted().toList()) {
                load(file);
            }
        }
    }

    static boolean isModule(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml"))
                && !name.contains(".playbook.");
    }

    /** Loads (or reloads) one file: its old routes are removed first; on error nothing of it runs. */
    public synchronized boolean load(Path file) {
        unload(file);
        Resource resource = ResourceHelper.fromString("file:" + file.toAbsolutePath(), readQuietly(file));
        List<String> before = routeIds();
        try {
            Collection<RoutesBuilder> builders = PluginHelper.getRoutesLoader(context).findRoutesBuilders(resource);
            for (RoutesBuilder builder : builders) {
                context.addRoutes(builder);
                context.addTemplatedRoutes(builder);
            }
            List<String> added = new ArrayList<>(routeIds());
            added.removeAll(before);
            routesByFile.put(file, added);
            errors.remove(file);
            LOG.info("Integration module {} started: routes {}", file.getFileName(), added);
            return true;
        } catch (Exception e) {
            // Whatever part of it started is removed: a module runs whole or not at all.
            List<String> partial = new ArrayList<>(routeIds());
            partial.removeAll(before);
            removeRoutes(partial);
            String reason = rootMessage(e);
            errors.put(file, reason);
            LOG.error("Integration module {} not started: {}", file.getFileName(), reason);
            return false;
        }
    }

    public synchronized void unload(Path file) {
        List<String> ids = routesByFile.remove(file);
        if (ids != null) {
            removeRoutes(ids);
            LOG.info("Integration module {} stopped: routes {}", file.getFileName(), ids);
        }
        errors.remove(file);
    }

    /** Files that failed to load, with the reason. */
    public synchronized Map<Path, String> errors() {
        return Map.copyOf(errors);
    }

    public synchronized Map<Path, List<String>> modules() {
        return Map.copyOf(routesByFile);
    }

    private void removeRoutes(List<String> ids) {
        for (String id : ids) {
            try {
                context.getRouteController().stopRoute(id);
                context.removeRoute(id);
            } catch (Exception e) {
                LOG.warn("Could not remove route {}: {}", id, e.toString());
            }
        }
    }

    private List<String> routeIds() {
        return context.getRoutes().stream().map(Route::getRouteId).toList();
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null && !message.toString().contains(t.getMessage())) {
                message.append(": ").append(t.getMessage());
            }
        }
        return message.toString();
    }
}
