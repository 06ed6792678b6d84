package io.drover.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Start-up checks of the ports Drover will listen on, so that a taken one stops the start with a clear reason. */
public final class Ports {

    private Ports() {
    }

    /**
     * Fails when the port is taken. (In Camel 4.18 a platform-http server that cannot bind logs a warning and Camel
     * starts anyway, without it: Drover checks first rather than run deaf.)
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

}
