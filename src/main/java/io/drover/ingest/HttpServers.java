package io.drover.ingest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;

/** Drover's view of Camel's Vert.x HTTP servers (the ingestion API's and the admin one). */
public final class HttpServers {

    private HttpServers() {
    }

    /**
     * Fails when the port is taken. In Camel 4.18 a platform-http server that cannot bind logs a warning and Camel
     * starts anyway, without it: Drover checks first rather than run deaf.
     */
    public static void requireFree(String host, int port, String setting) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "); set " + setting + " to a free port");
        }
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
