package io.drover.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code drover events get <messageId> [--since 24h]} and {@code drover events tail [--source S] [--type T]
 * [--event E] [--user-id U] [--anonymous-id A] [--timeout 10m]}: a stored event, or events as they arrive, one JSON
 * object a line, from a running Drover's admin API ({@code --admin http://127.0.0.1:8081}; the token, when the admin
 * API has one, from {@code DROVER_ADMIN_TOKEN}, never the command line, where other users could read it).
 */
public final class EventsCommand {

    static final String USAGE = """
            Usage: java -jar drover.jar events get <messageId> [--since 24h] [--admin URL]
                   java -jar drover.jar events tail [--source S] [--type T] [--event E] [--user-id U]
                                                    [--anonymous-id A] [--timeout 10m] [--admin URL]""";
    private static final Map<String, String> TAIL_OPTIONS = Map.of("source", "source", "type", "type", "event", "event",
            "user-id", "userId", "anonymous-id", "anonymousId", "timeout", "timeout");

    private EventsCommand() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || !(args.get(0).equals("get") || args.get(0).equals("tail"))) {
            err.println(USAGE);
            return 2;
        }
        boolean get = args.get(0).equals("get");
        Map<String, String> options = new LinkedHashMap<>();
        String messageId = null;
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--") && i + 1 < args.size()) {
                options.put(a.substring(2), args.get(++i));
            } else if (get && messageId == null && !a.startsWith("--")) {
                messageId = a;
            } else {
                err.println("events: unexpected argument " + a);
                err.println(USAGE);
                return 2;
            }
        }
        String admin = options.getOrDefault("admin", "http://127.0.0.1:8081");
        options.remove("admin");
        StringBuilder url = new StringBuilder(admin);
        if (get) {
            if (messageId == null || !options.keySet().stream().allMatch("since"::equals)) {
                err.println(USAGE);
                return 2;
            }
            url.append("/admin/events/").append(URLEncoder.encode(messageId, StandardCharsets.UTF_8).replace("+", "%20"));
            if (options.containsKey("since")) {
                url.append("?since=").append(URLEncoder.encode(options.get("since"), StandardCharsets.UTF_8));
            }
        } else {
            url.append("/admin/events?follow=true");
            for (Map.Entry<String, String> o : options.entrySet()) {
                String parameter = TAIL_OPTIONS.get(o.getKey());
                if (parameter == null) {
                    err.println("events: unknown option --" + o.getKey());
                    err.println(USAGE);
                    return 2;
                }
                url.append('&').append(parameter).append('=').append(URLEncoder.encode(o.getValue(), StandardCharsets.UTF_8));
            }
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.toString())).GET();
        String token = System.getenv("DROVER_ADMIN_TOKEN");
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<java.io.InputStream> response = client.send(request.build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                if (response.statusCode() != 200) {
                    err.println("events: " + response.statusCode() + " " + String.join("\n", lines.lines().toList()));
                    return response.statusCode() == 404 ? 3 : 1;
                }
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (!line.isBlank()) {
                        out.println(line);
                        out.flush();
                    }
                }
            }
            return 0;
        } catch (Exception e) {
            err.println("events: cannot reach the admin API at " + admin + ": " + e);
            return 1;
        }
    }
}
