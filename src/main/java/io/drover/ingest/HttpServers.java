package io.drover.ingest;

import org.apache.camel.CamelContext;
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
}
