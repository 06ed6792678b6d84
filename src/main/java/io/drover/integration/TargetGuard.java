package io.drover.integration;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.hc.client5.http.DnsResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where Drover's outbound calls may go (SSRF): no address {@link AddressClass} refuses unless
 * {@code drover.delivery.allow-private-targets=true}. It checks a module's URLs when the module loads and each
 * request's URL before the call, and it is the {@link DnsResolver} of every HTTP client Drover calls vendors with, so
 * a connection goes only to an address that was classified as it was resolved: a name that resolves elsewhere between
 * the check and the connection (DNS rebinding) is refused then.
 * <p>
 * Hosts are read strictly, without asking DNS about anything that looks numeric: an IPv4 address must be a dotted
 * quad (four decimal numbers, no leading zeros). Other numeric forms ({@code 2130706433}, {@code 0177.0.0.1},
 * {@code 0x7f.0.0.1}, {@code 127.1}) are refused, because curl and browsers read them as IPv4 addresses and Java reads
 * them otherwise (177.0.0.1 for the octal one) or hands them to DNS. So is a host name that is not plain ASCII.
 */
public final class TargetGuard implements DnsResolver {

    public static final String SETTING = "drover.delivery.allow-private-targets";
    /** The name Drover binds its guard under in a CamelContext's registry. */
    public static final String BEAN = "droverTargetGuard";

    private static final Logger LOG = LoggerFactory.getLogger(TargetGuard.class);
    private static final TargetGuard STRICT = new TargetGuard(false);
    private static final Pattern OCTET = Pattern.compile("25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9]");
    private static final Pattern DOTTED_QUAD =
            Pattern.compile("(" + OCTET + ")\\.(" + OCTET + ")\\.(" + OCTET + ")\\.(" + OCTET + ")");
    private static final Pattern ASCII_HOST = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\.?");
    private static final Pattern NUMBER = Pattern.compile("[0-9]+|0[xX][0-9a-fA-F]*");

    /** Name to addresses: the system's resolver, or a stand-in in tests. */
    @FunctionalInterface
    interface Lookup {
        InetAddress[] all(String host) throws UnknownHostException;
    }

    private final boolean allowPrivate;
    private final Lookup lookup;

    public TargetGuard(boolean allowPrivate) {
        this(allowPrivate, InetAddress::getAllByName);
    }

    TargetGuard(boolean allowPrivate, Lookup lookup) {
        this.allowPrivate = allowPrivate;
        this.lookup = lookup;
    }

    /** The guard Drover bound in this context; a strict one (no private target) where there is none. */
    public static TargetGuard of(CamelContext context) {
        TargetGuard guard = context == null ? null : context.getRegistry().lookupByNameAndType(BEAN, TargetGuard.class);
        return guard != null ? guard : STRICT;
    }

    public boolean allowsPrivateTargets() {
        return allowPrivate;
    }

    /** A host or URL refused as a target (an {@link UnknownHostException}: what an HTTP client's resolver throws). */
    public static final class Refused extends UnknownHostException {
        Refused(String message) {
            super(message);
        }
    }

    /**
     * Checks every address the host of {@code url} stands for: {@link Refused} naming {@code what} (the endpoint, a
     * setting) when any is refused; the lookup's {@link UnknownHostException} when the name does not resolve now.
     */
    public void check(String what, String url) throws UnknownHostException {
        String host = host(what, url);
        InetAddress[] all;
        try {
            all = literal(host);
            if (all == null && allowPrivate) {
                return;   // every address is allowed: no lookup needed to know
            }
            if (all == null) {
                all = lookup.all(bare(host));
            }
        } catch (Refused e) {
            throw new Refused(what + " " + VendorCall.redact(url) + " is refused: " + e.getMessage());
        }
        for (InetAddress address : all) {
            String reason = reason(host, address);
            if (reason != null) {
                throw new Refused(what + " " + VendorCall.redact(url) + " is refused: " + reason);
            }
        }
    }

    /** The host of an http(s) URL as an HTTP client connects to it (also where {@link URI#getHost} gives up). */
    static String host(String what, String url) throws Refused {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new Refused(what + " " + VendorCall.redact(url) + " is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Refused(what + " " + VendorCall.redact(url) + " is not an http or https URL");
        }
        String host = uri.getHost();
        if (host == null && uri.getRawAuthority() != null) {
            // A registry-based authority (127.1, 0x7f.0.0.1): HttpClient still reads a host out of it.
            String authority = uri.getRawAuthority();
            authority = authority.substring(authority.lastIndexOf('@') + 1);
            int colon = authority.lastIndexOf(':');
            host = colon > authority.lastIndexOf(']') ? authority.substring(0, colon) : authority;
        }
        if (host == null || host.isEmpty()) {
            throw new Refused(what + " " + VendorCall.redact(url) + " has no host");
        }
        return host;
    }

    /** The resolver of Drover's HTTP clients: only the addresses of {@code host} that are allowed, else refused. */
    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] all = addresses(host);
        if (allowPrivate) {
            return all;
        }
        List<InetAddress> allowed = new ArrayList<>(all.length);
        String refused = null;
        for (InetAddress address : all) {
            String reason = reason(host, address);
            if (reason == null) {
                allowed.add(address);
            } else if (refused == null) {
                refused = reason;
            }
        }
        if (allowed.isEmpty()) {
            throw new Refused("the connection to " + host + " is refused: " + refused);
        }
        if (refused != null) {
            LOG.warn("{} also resolves to addresses Drover does not connect to ({}); connecting to {} only", host,
                    refused, allowed);
        }
        return allowed.toArray(new InetAddress[0]);
    }

    @Override
    public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
        List<InetSocketAddress> result = new ArrayList<>();
        for (InetAddress address : resolve(host)) {
            result.add(new InetSocketAddress(address, port));
        }
        return result;
    }

    /** As HttpClient's system resolver does it (used for SPNEGO only), through {@link #resolve(String)}. */
    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        if (host == null) {
            return null;
        }
        InetAddress address = resolve(host)[0];
        String canonical = address.getCanonicalHostName();
        return address.getHostAddress().contentEquals(canonical) ? host : canonical;
    }

    /** Why this address of {@code host} is refused; null when allowed (always, with private targets allowed). */
    private String reason(String host, InetAddress address) {
        String reason = allowPrivate ? null : AddressClass.refusal(address);
        if (reason == null) {
            return null;
        }
        String which = host.equals(address.getHostAddress()) || host.startsWith("[") || host.contains(":")
                ? address.getHostAddress() + " is " : host + " is " + address.getHostAddress() + ", ";
        return which + reason + "; set " + SETTING + "=true to allow private and special-purpose targets";
    }

    /** The addresses a host stands for: literals parsed here (never looked up), names asked of DNS. */
    private InetAddress[] addresses(String host) throws UnknownHostException {
        InetAddress[] literal = literal(host);
        return literal != null ? literal : lookup.all(bare(host));
    }

    /** The address of an IP literal, parsed without any lookup; null for a host name; refused when malformed. */
    private static InetAddress[] literal(String host) throws UnknownHostException {
        String h = bare(host);
        if (h.contains(":")) {
            try {
                // Bracketed, InetAddress parses an IPv6 literal or refuses it; it never asks DNS.
                return new InetAddress[] {InetAddress.getByName("[" + h + "]")};
            } catch (UnknownHostException e) {
                throw new Refused(host + " is not a valid IPv6 address");
            }
        }
        if (!ASCII_HOST.matcher(h).matches()) {
            throw new Refused(host + " is not a plain ASCII host name (give an IDN in its xn-- form)");
        }
        if (!endsInNumber(h)) {
            return null;
        }
        byte[] quad = dottedQuad(h);
        if (quad == null) {
            throw new Refused(host + " is a numeric host that is not a dotted quad (four decimal numbers, no"
                    + " leading zeros): curl and browsers read forms such as 2130706433, 0177.0.0.1, 0x7f.0.0.1"
                    + " and 127.1 as IPv4 addresses, which Java reads otherwise");
        }
        return new InetAddress[] {InetAddress.getByAddress(h, quad)};
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** As the WHATWG URL standard decides that a host is IPv4: its last label is a number (decimal or 0x hex). */
    private static boolean endsInNumber(String host) {
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        return NUMBER.matcher(h.substring(h.lastIndexOf('.') + 1)).matches();
    }

    /** The four bytes of a canonical dotted quad ("192.0.2.1"); null for any other text. */
    static byte[] dottedQuad(String text) {
        Matcher m = DOTTED_QUAD.matcher(text);
        if (!m.matches()) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            b[i] = (byte) Integer.parseInt(m.group(i + 1));
        }
        return b;
    }
}
