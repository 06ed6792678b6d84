package io.drover.integration;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicInteger;

/** Guards with a stand-in lookup, for tests of other packages; no lookup of theirs reaches DNS. */
public final class TestGuards {

    private TestGuards() {
    }

    /**
     * A guard for which {@code name} does not resolve the first time it is asked (the check before a call) and is
     * 127.0.0.1 from then on (the connection): DNS rebinding.
     */
    public static TargetGuard rebindingToLoopback(String name, boolean allowPrivate) {
        AtomicInteger asked = new AtomicInteger();
        return new TargetGuard(allowPrivate, host -> {
            if (!host.equals(name) || asked.getAndIncrement() == 0) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getByAddress(name, new byte[] {127, 0, 0, 1})};
        });
    }
}
