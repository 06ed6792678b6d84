package io.drover.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.integration.IntegrationModules;
import io.drover.integration.Replay;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * Drover's admin HTTP API on the admin port, beside Camel's health and metrics: {@code GET /admin/integrations} lists
 * the modules of the integrations directory, their routes, and the files that failed with the reason. With
 * {@code POST /admin/integrations/<name>/replay} sends its dead letters back through it. With
 * {@code drover.admin.token} set it needs {@code Authorization: Bearer <token>}; without, it answers loopback only.
 */
public final class AdminApi {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final IntegrationModules modules;
    private final String token;
    private final String bootstrapServers;

    public AdminApi(IntegrationModules modules, String token, String bootstrapServers) {
        this.modules = modules;
        this.token = token == null || token.isBlank() ? null : token;
        this.bootstrapServers = bootstrapServers;
    }

    public void mount(CamelContext context, int adminPort) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                VertxPlatformHttpRouter.getRouterNameFromPort(adminPort));
        if (router == null) {
            throw new IllegalStateException("The admin server is not running on port " + adminPort);
        }
        router.get("/admin/integrations").handler(this::integrations);
        router.post("/admin/integrations/:name/replay").handler(this::replay);
    }

    /** {@code POST /admin/integrations/<name>/replay[?since=<ISO-8601 time>]}: dead letters back through it. */
    private void replay(RoutingContext ctx) {
        if (!allowed(ctx)) {
            unauthorized(ctx);
            return;
        }
        String name = ctx.pathParam("name");
        String since = ctx.request().getParam("since");
        ctx.vertx().<Integer>executeBlocking(() -> Replay.run(bootstrapServers, name,
                since == null ? null : java.time.Instant.parse(since)), false).onComplete(result -> {
                    if (result.succeeded()) {
                        ctx.response().putHeader("Content-Type", "application/json")
                                .end("{\"success\":true,\"replayed\":" + result.result() + "}");
                    } else {
                        ObjectNode error = MAPPER.createObjectNode().put("success", false).put("code", "replay_failed")
                                .put("message", String.valueOf(result.cause().getMessage()));
                        ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json").end(error.toString());
                    }
                });
    }

    private static void unauthorized(RoutingContext ctx) {
        ctx.response().setStatusCode(401).putHeader("Content-Type", "application/json")
                .end("{\"success\":false,\"code\":\"unauthorized\",\"message\":\"admin token required\"}");
    }

    private void integrations(RoutingContext ctx) {
        if (!allowed(ctx)) {
            unauthorized(ctx);
            return;
        }
        ObjectNode body = MAPPER.createObjectNode();
        ObjectNode running = body.putObject("modules");
        modules.modules().forEach((file, routes) -> {
            var list = running.putArray(file.getFileName().toString());
            routes.forEach(list::add);
        });
        ObjectNode errors = body.putObject("errors");
        modules.errors().forEach((file, reason) -> errors.put(file.getFileName().toString(), reason));
        ctx.response().putHeader("Content-Type", "application/json").end(body.toString());
    }

    private boolean allowed(RoutingContext ctx) {
        if (token == null) {
            String peer = ctx.request().remoteAddress() == null ? "" : ctx.request().remoteAddress().hostAddress();
            return peer.equals("127.0.0.1") || peer.equals("0:0:0:0:0:0:0:1") || peer.equals("::1");
        }
        String header = ctx.request().getHeader("Authorization");
        return header != null && header.startsWith("Bearer ") && MessageDigest.isEqual(
                header.substring(7).getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }
}
