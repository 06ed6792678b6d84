package io.drover.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;

/** Start-up checks of the ports Drover will listen on, so that a taken one stops the start with a clear reason. */
public final class Ports {

    private Ports() {
    }

    /**
     * Fails when something already listens on the port. (In Camel 4.18 a platform-http server that cannot bind logs a
     * warning and Camel starts anyway, without it: Drover checks first rather than run deaf.) The check connects
     * instead of binding: a bind listens for a moment, and a client that connected in that moment (an SDK retrying
     * while Drover starts) got its connection reset, with no answer, when the check closed it.
     */
    public static void requireFree(String host, int port, String setting) {
        if (port == 0) {
            return;
        }
        InetAddress target;
        try {
            InetAddress bound = InetAddress.getByName(host);
            target = bound.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bound;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("Cannot listen on " + host + ":" + port + " (unknown host); set " + setting
                    + " and its host to an address of this machine");
        }
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(target, port), 500);
        } catch (IOException nothingListens) {
            return;
        }
        throw new IllegalStateException("Cannot listen on " + host + ":" + port + " (something already listens there);"
                + " set " + setting + " to a free port");
    }
}
