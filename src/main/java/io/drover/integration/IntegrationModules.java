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
    /** The last content of each file that loaded, to fall back on when a change breaks it. */
    private final Map<Path, String> lastGood = new LinkedHashMap<>();
    private List<String> bootRoutes = List.of();
    private boolean booted;
    private final Map<Path, Long> changes = new java.util.HashMap<>();
    /** What each known file (running or not) says: its settings, claims and playbook files. */
    private final Map<Path, ModuleFile> files = new LinkedHashMap<>();
    /** The templates' parameters (routes/parameters.yaml), every module is checked against. */
    private final TemplateParameters parameters = TemplateParameters.load();

    public IntegrationModules(CamelContext context, Path dir) {
        this.context = context;
        this.dir = dir;
    }

    public CamelContext context() {
        return context;
    }

    public Path dir() {
        return dir;
    }

    /** Loads every module file of the directory: the modules present at start. */
    public synchronized void loadAll() throws IOException {
        // The templates' parameters have one home, routes/parameters.yaml: declared on Camel's templates from there.
        parameters.declare(context);
        try {
            if (!Files.isDirectory(dir)) {
                LOG.info("No integrations directory at {}: no integration runs", dir);
                return;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(IntegrationModules::isModule).sorted().toList()) {
                    load(file);
                }
            }
        } finally {
            bootRoutes = routesByFile.values().stream().flatMap(List::stream).toList();
            booted = true;
        }
    }

    /**
     * The routes of modules present at start whose consumer has not had its partitions yet (a module that failed to
     * load has said why and is not waited for; nor is one removed since). Empty once all read.
     */
    public synchronized List<String> bootRoutesNotReading() {
        if (!booted) {
            return List.of("(modules not loaded yet)");
        }
        List<String> waiting = new ArrayList<>();
        for (String id : bootRoutes) {
            Route route = context.getRoute(id);
            if (route != null && route.getConsumer() instanceof EventsConsumer c && !c.isReading()) {
                waiting.add(id);
            }
        }
        return waiting;
    }

    static boolean isModule(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml"))
                && !name.contains(".playbook.");
    }

    /**
     * Loads (or reloads) one file. Its old routes are removed first; if the new content fails, the error is reported
     * and the last content that worked is started again, so a broken edit changes nothing that ran.
     */
    public synchronized boolean load(Path file) {
        // A secret set since the start (the environment, -D) is masked in what this module logs and dead-letters.
        io.drover.support.Redactor.learnFromSystem();
        String content = readQuietly(file);
        ModuleFile module = ModuleFile.read(content);
        files.put(file, module);
        String taken = taken(file, module);
        if (taken != null) {
            // Refused before anything stops: the module that holds the id keeps running, and so does this file's
            // previous version if it had one.
            changes.merge(file, 1L, Long::sum);
            errors.put(file, taken);
            LOG.error("Integration module {} not started: {}", file.getFileName(), taken);
            return false;
        }
        String brokenPlaybook = brokenPlaybook(module);
        if (brokenPlaybook != null) {
            // Checked before the running version stops: its playbook was compiled when it started and goes on.
            changes.merge(file, 1L, Long::sum);
            errors.put(file, brokenPlaybook);
            LOG.error("Integration module {} not started: {}", file.getFileName(), brokenPlaybook);
            if (routesByFile.containsKey(file)) {
                LOG.warn("Integration module {}: kept running its previous version", file.getFileName());
            }
            return false;
        }
        List<String> missing = module.missing(context.getPropertiesComponent());
        List<String> wrong = ModuleParameters.problems(file.getFileName().toString(), content, parameters, context);
        if (!wrong.isEmpty()) {
            // Checked before the running version stops, as a broken playbook: all problems at once, with the
            // missing settings if there are some too.
            List<String> all = new ArrayList<>(wrong);
            if (!missing.isEmpty()) {
                all.add((missing.size() == 1 ? "missing setting " : "missing settings ") + String.join(", ", missing));
            }
            String error = String.join("; ", all);
            changes.merge(file, 1L, Long::sum);
            errors.put(file, error);
            LOG.error("Integration module {} not started: {}", file.getFileName(), String.join("\n  ", all));
            if (routesByFile.containsKey(file)) {
                LOG.warn("Integration module {}: kept running its previous version", file.getFileName());
            }
            return false;
        }
        String previous = lastGood.get(file);
        removeRoutes(routesByFile.getOrDefault(file, List.of()));
        routesByFile.remove(file);
        String error = missing.isEmpty() ? start(file, content)
                : (missing.size() == 1 ? "missing setting " : "missing settings ") + String.join(", ", missing);
        changes.merge(file, 1L, Long::sum);
        if (error == null) {
            lastGood.put(file, content);
            errors.remove(file);
            return true;
        }
        errors.put(file, error);
        if (error.startsWith("missing setting")) {
            // A vendor without its settings is off, as shipped: the normal state of most modules, not a warning.
            LOG.info("Integration module {} is off: {}; nothing is sent to it until set", file.getFileName(), error);
        } else {
            LOG.error("Integration module {} not started: {}", file.getFileName(), error);
        }
        if (previous != null && start(file, previous) == null) {
            LOG.warn("Integration module {}: kept running its previous version", file.getFileName());
        }
        return false;
    }

    /** Starts the routes of one content; null when it worked, else the reason (and nothing of it runs). */
    private String start(Path file, String content) {
        Resource resource = ResourceHelper.fromString("file:" + file.toAbsolutePath(), content);
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
            LOG.info("Integration module {} started: routes {}", file.getFileName(), added);
            return null;
        } catch (Exception e) {
            // Whatever part of it started is removed: a module runs whole or not at all.
            List<String> partial = new ArrayList<>(routeIds());
            partial.removeAll(before);
            removeRoutes(partial);
            return rootMessage(e);
        }
    }

    /**
     * Why another running module stops this one from starting: a route id or an integration name it already holds
     * (Camel would replace that module's route with this one's). Null when there is none.
     */
    private String taken(Path file, ModuleFile module) {
        for (Map.Entry<Path, List<String>> running : routesByFile.entrySet()) {
            if (running.getKey().equals(file)) {
                continue;
            }
            ModuleFile other = files.get(running.getKey());
            for (String id : module.routeIds()) {
                if (running.getValue().contains(id)) {
                    return "route id '" + id + "' is already taken by " + running.getKey().getFileName()
                            + ", which keeps running: give this module a routeId and a name of its own";
                }
            }
            for (String name : module.names()) {
                if (other != null && other.names().contains(name)) {
                    return "integration name '" + name + "' is already taken by " + running.getKey().getFileName()
                            + ", which keeps running: give this module a name of its own";
                }
            }
        }
        return null;
    }

    /** The error of the first playbook the module has (inline or in a file) that does not compile, or null. */
    private String brokenPlaybook(ModuleFile module) {
        for (ModuleFile.Playbook p : module.playbooks()) {
            try {
                io.drover.playbook.PlaybookRequest.compile(p.name(), p.inline(), p.file(), dir, context);
            } catch (RuntimeException e) {
                return rootMessage(e);
            }
        }
        for (String name : module.files()) {
            Path playbook = dir.resolve(name);
            if (!Files.exists(playbook)) {
                continue;
            }
            try {
                io.drover.playbook.Playbook.compile(name.replaceFirst("\\.playbook\\.ya?ml$", ""), playbook, context);
            } catch (RuntimeException e) {
                return rootMessage(e);
            }
        }
        return null;
    }

    /**
     * Settings changed (given by their environment-style names, e.g. from the secrets directory): every module that
     * uses one is reloaded, so that a vendor whose secrets arrive starts and a rotated token is used, without a
     * restart.
     */
    public synchronized void settingsChanged(java.util.Set<String> envNames) {
        for (Path file : List.copyOf(files.keySet())) {
            if (Files.exists(file) && files.get(file).uses(envNames)) {
                LOG.info("Integration module {}: its settings changed, reloading it", file.getFileName());
                load(file);
            }
        }
    }

    /** A playbook file changed: the modules that name it are reloaded (a module is the unit, playbook included). */
    public synchronized void playbookChanged(Path playbook) {
        String name = playbook.getFileName().toString();
        for (Path file : List.copyOf(files.keySet())) {
            if (Files.exists(file) && files.get(file).files().contains(name)) {
                LOG.info("Integration module {}: its playbook {} changed, reloading it", file.getFileName(), name);
                load(file);
            }
        }
    }

    public synchronized void unload(Path file) {
        files.remove(file);
        List<String> ids = routesByFile.remove(file);
        if (ids != null) {
            removeRoutes(ids);
            LOG.info("Integration module {} stopped: routes {}", file.getFileName(), ids);
        }
        errors.remove(file);
        lastGood.remove(file);
        changes.merge(file, 1L, Long::sum);
    }

    /** Whether every running integration's reader thread is alive (one that died of an error stops its delivery). */
    public boolean readersAlive() {
        for (Route route : context.getRoutes()) {
            if (route.getConsumer() instanceof EventsConsumer c && c.isStarted() && !c.readerAlive()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Per running integration (route id) with a delay or events held: the delay in ms and what it holds now
     * ({@link EventsConsumer#held()}).
     */
    public Map<String, Scheduling> scheduling() {
        Map<String, Scheduling> out = new java.util.TreeMap<>();
        for (Route route : context.getRoutes()) {
            if (route.getConsumer() instanceof EventsConsumer c && c.isStarted()) {
                HeldEvents h = c.held();
                if (c.delayMillis() > 0 || h.events() > 0) {
                    out.put(route.getRouteId(), new Scheduling(c.delayMillis(), h));
                }
            }
        }
        return out;
    }

    /** An integration's delay (ms) and what it holds. */
    public record Scheduling(long delayMillis, HeldEvents held) {
    }

    /** How many loads and unloads of this file have completed: a signal to wait on for a change to apply. */
    public synchronized long changes(Path file) {
        return changes.getOrDefault(file, 0L);
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

    private static final java.util.regex.Pattern MISSING =
            java.util.regex.Pattern.compile("Property with key \\[(?:env:)?([^\\]]+)\\] not found");

    /** The deepest cause's message, which names the actual problem; a missing setting is said plainly. */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() != null ? t.getMessage() : String.valueOf(e.getMessage());
        java.util.regex.Matcher m = MISSING.matcher(message);
        if (m.find()) {
            String key = m.group(1);
            return "missing setting " + key + " (environment variable "
                    + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_') + ")";
        }
        return message;
    }

}
