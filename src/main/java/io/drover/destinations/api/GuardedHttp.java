package io.drover.destinations.api;

import java.io.IOException;
import java.net.UnknownHostException;

import io.drover.integration.GuardedHttpComponent;
import io.drover.integration.TargetGuard;
import org.apache.camel.CamelContext;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.util.Timeout;

/**
 * A bean's own HTTP calls, beside the requests it returns (Google Ads' OAuth token endpoint): through the guard every
 * vendor URL goes through ({@code drover.delivery.allow-private-targets}), so that a URL taken from a setting cannot
 * reach into the network Drover runs in.
 */
public final class GuardedHttp {

    private final TargetGuard guard;

    private GuardedHttp(TargetGuard guard) {
        this.guard = guard;
    }

    /** The guard of this Camel context (its setting for private targets). */
    public static GuardedHttp of(CamelContext context) {
        return new GuardedHttp(TargetGuard.of(context));
    }

    /** A guard of its own that allows private targets or not (tests, tools). */
    public static GuardedHttp allowingPrivate(boolean allowPrivate) {
        return new GuardedHttp(new TargetGuard(allowPrivate));
    }

    /**
     * Checks every address {@code url}'s host stands for: a {@link #isRefusal refusal} naming {@code what} when one is
     * refused; a plain {@link UnknownHostException} when the name does not resolve now (the connection resolves it
     * again, through the guard).
     */
    public void check(String what, String url) throws UnknownHostException {
        guard.check(what, url);
    }

    /** A client whose connections are resolved through the guard (no redirects followed). */
    public CloseableHttpClient client(Timeout timeout) {
        return GuardedHttpComponent.client(guard, timeout);
    }

    /** Whether a failed call or check was the guard refusing the target (final), not the network (worth a retry). */
    public static boolean isRefusal(IOException e) {
        return e instanceof TargetGuard.Refused;
    }
}
