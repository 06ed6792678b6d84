package io.drover.ingest;

import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;

/** Drover's view of Camel's Vert.x HTTP servers (the ingestion API's and the admin one). */
public final class HttpServers {

    private HttpServers() {
    }

    /** The port the server configured with this port listens on, or -1 when there is none. */
    public static int actualPort(CamelContext context, int configuredPort) {
        for (VertxPlatformHttpServer server : context.hasServices(VertxPlatformHttpServer.class)) {
            if (server.getConfigurationPort() == configuredPort) {
                return server.getPort();
            }
        }
        return -1;
    }

    /** The router of the platform-http server configured with this port, to mount Drover's own handlers on. */
    public static VertxPlatformHttpRouter router(CamelContext context, int configuredPort) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context,
                VertxPlatformHttpRouter.getRouterNameFromPort(configuredPort));
        if (router == null) {
            router = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.PLATFORM_HTTP_ROUTER_NAME_ZERO);
        }
        if (router == null) {
            throw new IllegalStateException("The platform-http server is not running (camel.server.enabled must be true)");
        }
        return router;
    }
}
