package io.drover.ingest;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The answers of the ingestion port's router itself (no such path, a failure below Drover's handler) in the shape
 * of Drover's own errors, {@code {"success":false,"code":...,"message":...}}, instead of Vert.x's HTML pages.
 */
final class ErrorAnswers {

    private ErrorAnswers() {
    }

    static void mount(Router router) {
        // Last: after the API, the tag and anything else mounted on the port.
        router.route().last().handler(ctx -> answer(ctx, 404, "not_found", "no such endpoint"));
        router.errorHandler(400, ctx -> answer(ctx, 400, "bad_request", "the request is malformed"));
        router.errorHandler(404, ctx -> answer(ctx, 404, "not_found", "no such endpoint"));
        router.errorHandler(405, ctx -> answer(ctx, 405, "method_not_allowed", "method not allowed on this path"));
        router.errorHandler(413, ctx -> answer(ctx, 413, "body_too_large", "the request body is too large"));
        router.errorHandler(500, ctx -> answer(ctx, 500, "internal_error", "unexpected error; the request was not stored"));
    }

    private static void answer(RoutingContext ctx, int status, String code, String message) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body(code, message));
    }

    static String body(String code, String message) {
        return Json.MAPPER.createObjectNode().put("success", false).put("code", code).put("message", message).toString();
    }
}
