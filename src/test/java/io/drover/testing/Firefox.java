package io.drover.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Firefox from Debian's {@code firefox-esr} package (.ci/run installs it), driven over WebDriver BiDi, which
 * Firefox speaks itself: there is no geckodriver package, and Selenium needs one to open a session. This is the few
 * BiDi commands the tests use, over {@code java.net.http.WebSocket}: a session, navigation, scripts run in the page,
 * real pointer clicks and key presses ({@code input.performActions}), screenshots. Everything on loopback.
 */
public final class Firefox implements AutoCloseable {

    public static final Path BROWSER = Path.of(System.getProperty("drover.test.firefox", "/usr/bin/firefox-esr"));
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("WebDriver BiDi listening on (ws://\\S+)");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    /**
     * A fresh profile that reaches nothing but loopback: updates, telemetry, remote settings, safe browsing,
     * captive-portal and connectivity checks off (the prefs Puppeteer sets for the same reason).
     */
    private static final String PREFS = String.join("\n",
            "user_pref('app.update.disabledForTesting', true);",
            "user_pref('app.normandy.enabled', false);",
            "user_pref('app.normandy.api_url', '');",
            "user_pref('app.shield.optoutstudies.enabled', false);",
            "user_pref('browser.safebrowsing.malware.enabled', false);",
            "user_pref('browser.safebrowsing.phishing.enabled', false);",
            "user_pref('browser.safebrowsing.downloads.enabled', false);",
            "user_pref('browser.safebrowsing.blockedURIs.enabled', false);",
            "user_pref('browser.shell.checkDefaultBrowser', false);",
            "user_pref('browser.startup.homepage_override.mstone', 'ignore');",
            "user_pref('browser.startup.page', 0);",
            "user_pref('browser.newtabpage.enabled', false);",
            "user_pref('browser.region.network.url', '');",
            "user_pref('browser.search.update', false);",
            "user_pref('browser.topsites.contile.enabled', false);",
            "user_pref('captivedetect.canonicalURL', '');",
            "user_pref('datareporting.healthreport.uploadEnabled', false);",
            "user_pref('datareporting.policy.dataSubmissionEnabled', false);",
            "user_pref('extensions.update.enabled', false);",
            "user_pref('extensions.getAddons.cache.enabled', false);",
            "user_pref('extensions.blocklist.enabled', false);",
            "user_pref('extensions.systemAddon.update.url', '');",
            "user_pref('geo.provider.network.url', '');",
            "user_pref('messaging-system.rsexperimentloader.enabled', false);",
            "user_pref('network.captive-portal-service.enabled', false);",
            "user_pref('network.connectivity-service.enabled', false);",
            "user_pref('network.dns.disablePrefetch', true);",
            "user_pref('network.prefetch-next', false);",
            "user_pref('services.settings.server', 'http://127.0.0.1:9/remote-settings');",
            "user_pref('toolkit.telemetry.enabled', false);",
            "user_pref('toolkit.telemetry.server', 'http://127.0.0.1:9/telemetry');",
            "");

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private String context;

    private Firefox(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** A session, its first tab, a 1280x800 viewport. */
    private void open() {
        send("session.new", MAPPER.createObjectNode().set("capabilities", MAPPER.createObjectNode()));
        JsonNode tree = send("browsingContext.getTree", MAPPER.createObjectNode());
        this.context = tree.at("/contexts/0/context").asText();
        ObjectNode viewport = MAPPER.createObjectNode().put("context", context);
        viewport.putObject("viewport").put("width", 1280).put("height", 800);
        send("browsingContext.setViewport", viewport);
    }

    public static boolean installed() {
        return Files.isExecutable(BROWSER);
    }

    /** Skips the calling test, with the reason, on a machine without the package. */
    public static void assumeInstalled() {
        Assumptions.assumeTrue(installed(), "Firefox tests skipped: " + BROWSER + " is missing (apt-get install firefox-esr)");
    }

    /** A headless Firefox with a fresh profile; the WebDriver BiDi port is the one it picks and prints. */
    public static Firefox start() {
        assumeInstalled();
        Path profile = null;
        Process process = null;
        try {
            profile = Files.createTempDirectory("firefox-");
            Files.writeString(profile.resolve("user.js"), PREFS);
            process = new ProcessBuilder(BROWSER.toString(), "--headless", "--no-remote", "--profile", profile.toString(),
                    "--remote-debugging-port=0").redirectErrorStream(true).start();
            CompletableFuture<String> url = new CompletableFuture<>();
            Process p = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = out.readLine()) != null; ) {
                        Matcher m = LISTENING.matcher(line);
                        if (m.find()) {
                            url.complete(m.group(1));
                        }
                    }
                } catch (IOException e) {
                    // the browser ended
                }
                url.completeExceptionally(new IllegalStateException("Firefox ended before it listened, exit " + p.exitValue()));
            }, "firefox-output");
            reader.setDaemon(true);
            reader.start();
            String ws = url.get(60, TimeUnit.SECONDS);
            if (!URI.create(ws).getHost().equals("127.0.0.1")) {
                throw new IllegalStateException("Firefox listens on " + ws + ", not on loopback");
            }
            Listener listener = new Listener();
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create(ws + "/session"), listener).get(30, TimeUnit.SECONDS);
            Firefox firefox = new Firefox(process, profile, socket);
            listener.owner = firefox;
            firefox.open();
            return firefox;
        } catch (Exception e) {
            if (process != null) {
                process.destroyForcibly();
            }
            delete(profile);
            throw new IllegalStateException("cannot start Firefox: " + e.getMessage(), e);
        }
    }

    /** Text frames may come in parts; each whole message is an answer to a command or an event (ignored). */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        volatile Firefox owner;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                owner.received(message);   // set before the first command is sent
            }
            webSocket.request(1);
            return null;
        }
    }

    private void received(String message) {
        try {
            JsonNode m = MAPPER.readTree(message);
            if (m.has("id")) {
                CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
                if (f != null) {
                    f.complete(m);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One command, its result; a BiDi error is thrown with its code and message. */
    public JsonNode send(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode command = MAPPER.createObjectNode().put("id", id).put("method", method);
        command.set("params", params);
        socket.sendText(command.toString(), true).join();
        JsonNode m;
        try {
            m = answer.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            pending.remove(id);
            throw new IllegalStateException(method + ": no answer from Firefox (" + e + ")", e);
        }
        if (m.has("error")) {
            throw new IllegalStateException(method + ": " + m.get("error").asText() + ": " + m.path("message").asText());
        }
        return m.get("result");
    }

    /** Opens the URL and waits until its document has loaded. */
    public void navigate(String url) {
        send("browsingContext.navigate", MAPPER.createObjectNode().put("context", context).put("url", url)
                .put("wait", "complete"));
    }

    /**
     * Runs {@code body} (a function body; {@code args[0]...} are the given strings) in the page, awaits it, and
     * returns what it returns, through JSON.
     */
    public JsonNode js(String body, String... args) {
        ObjectNode params = MAPPER.createObjectNode()
                .put("functionDeclaration", "async function (...args) { const r = await (async () => { " + body
                        + " })(); return JSON.stringify(r === undefined ? null : r); }")
                .put("awaitPromise", true).put("resultOwnership", "none");
        params.putObject("target").put("context", context);
        ArrayNode list = params.putArray("arguments");
        for (String a : args) {
            list.addObject().put("type", "string").put("value", a);
        }
        JsonNode r = send("script.callFunction", params);
        if ("exception".equals(r.path("type").asText())) {
            throw new IllegalStateException("script failed: " + r.at("/exceptionDetails/text").asText());
        }
        try {
            return MAPPER.readTree(r.at("/result/value").asText("null"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text of the first element matching {@code css} ({@code innerText}: as shown), or null when none. */
    public String text(String css) {
        JsonNode t = js("const e = document.querySelector(args[0]); return e ? e.innerText : null;", css);
        return t.isNull() ? null : t.asText();
    }

    public boolean exists(String css) {
        return js("return document.querySelector(args[0]) !== null;", css).asBoolean();
    }

    /** A real click (pointer moved to the element's centre, pressed, released), after scrolling it into view. */
    public void click(String css) {
        JsonNode node = node(css);
        ObjectNode scroll = MAPPER.createObjectNode()
                .put("functionDeclaration", "function (e) { e.scrollIntoView({block: 'center'}); }")
                .put("awaitPromise", false);
        scroll.putObject("target").put("context", context);
        scroll.putArray("arguments").addObject().put("sharedId", node.get("sharedId").asText());
        send("script.callFunction", scroll);
        ObjectNode params = MAPPER.createObjectNode().put("context", context);
        ObjectNode pointer = params.putArray("actions").addObject().put("type", "pointer").put("id", "mouse");
        pointer.putObject("parameters").put("pointerType", "mouse");
        ArrayNode steps = pointer.putArray("actions");
        ObjectNode move = steps.addObject().put("type", "pointerMove").put("x", 0).put("y", 0);
        move.putObject("origin").put("type", "element").putObject("element")
                .put("sharedId", node.get("sharedId").asText());
        steps.addObject().put("type", "pointerDown").put("button", 0);
        steps.addObject().put("type", "pointerUp").put("button", 0);
        send("input.performActions", params);
    }

    /** Clicks the element (focus), then types {@code text} key by key. */
    public void type(String css, String text) {
        click(css);
        ObjectNode params = MAPPER.createObjectNode().put("context", context);
        ObjectNode keys = params.putArray("actions").addObject().put("type", "key").put("id", "keyboard");
        ArrayNode steps = keys.putArray("actions");
        text.codePoints().forEach(c -> {
            String key = new String(Character.toChars(c));
            steps.addObject().put("type", "keyDown").put("value", key);
            steps.addObject().put("type", "keyUp").put("value", key);
        });
        send("input.performActions", params);
    }

    private JsonNode node(String css) {
        ObjectNode params = MAPPER.createObjectNode().put("context", context).put("maxNodeCount", 1);
        params.putObject("locator").put("type", "css").put("value", css);
        JsonNode nodes = send("browsingContext.locateNodes", params).get("nodes");
        if (nodes == null || nodes.isEmpty()) {
            throw new IllegalStateException("no element matches " + css);
        }
        return nodes.get(0);
    }

    public String url() {
        return js("return location.href;").asText();
    }

    /** The viewport as PNG. */
    public byte[] screenshot() {
        JsonNode r = send("browsingContext.captureScreenshot", MAPPER.createObjectNode().put("context", context));
        return Base64.getDecoder().decode(r.get("data").asText());
    }

    @Override
    public void close() {
        try {
            send("browser.close", MAPPER.createObjectNode());
        } catch (RuntimeException e) {
            // it may close the socket before it answers
        }
        socket.abort();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        delete(profile);
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: left to the OS
        }
    }
}
