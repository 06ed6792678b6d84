package io.drover.integration;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.drover.support.Cidr;

/**
 * Which addresses a vendor call may never reach: every block of the IANA IPv4 Special-Purpose Address Registry and the
 * IANA IPv6 Special-Purpose Address Registry (https://www.iana.org/assignments/iana-ipv4-special-registry and
 * https://www.iana.org/assignments/iana-ipv6-special-registry, RFC 6890 and RFC 8190; entries as of their 2024
 * revisions), whether or not the registry calls the block globally reachable, and besides them the IPv4 multicast and
 * reserved blocks (224.0.0.0/4, 240.0.0.0/4), the IPv6 multicast, deprecated site-local and unique-local blocks, and
 * all IPv6 space outside 2000::/3 (the IANA IPv6 Address Space registry: IANA assigns unicast from 2000::/3 only).
 * <p>
 * An IPv6 address that carries an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo with its obfuscated client)
 * is also classified by that IPv4 address, so the reason names what it really points at; every such block is refused
 * as a whole in any case.
 */
public final class AddressClass {

    /** Where an IPv4 address sits in a block's IPv6 addresses. */
    private enum Embedding {
        NONE,
        /** the last 32 bits: mapped, compatible, NAT64 */
        LAST_32,
        /** bits 16 to 47: 6to4 */
        SIX_TO_FOUR,
        /** the client: the last 32 bits, inverted (RFC 4380 section 4) */
        TEREDO
    }

    private record Block(Cidr cidr, String text, String name, Embedding embedding) {
        boolean contains(byte[] a) {
            return cidr.contains(a);
        }

        int bits() {
            return cidr.prefix();
        }
    }

    /** Most specific first, so that a reason names the narrowest block (::1 before ::/96, Teredo before 2001::/23). */
    private static final List<Block> BLOCKS = new ArrayList<>();

    static {
        // IANA IPv4 Special-Purpose Address Registry
        v4("0.0.0.0/8", "\"this network\" (RFC 791)");
        v4("10.0.0.0/8", "private-use (RFC 1918)");
        v4("100.64.0.0/10", "shared address space, carrier-grade NAT (RFC 6598)");
        v4("127.0.0.0/8", "loopback (RFC 1122)");
        v4("169.254.0.0/16", "link-local (RFC 3927), cloud metadata services");
        v4("172.16.0.0/12", "private-use (RFC 1918)");
        v4("192.0.0.0/24", "IETF protocol assignments (RFC 6890)");
        v4("192.0.2.0/24", "documentation, TEST-NET-1 (RFC 5737)");
        v4("192.31.196.0/24", "AS112-v4 (RFC 7535)");
        v4("192.52.193.0/24", "AMT (RFC 7450)");
        v4("192.88.99.0/24", "deprecated 6to4 relay anycast (RFC 7526)");
        v4("192.168.0.0/16", "private-use (RFC 1918)");
        v4("192.175.48.0/24", "direct delegation AS112 service (RFC 7534)");
        v4("198.18.0.0/15", "benchmarking (RFC 2544)");
        v4("198.51.100.0/24", "documentation, TEST-NET-2 (RFC 5737)");
        v4("203.0.113.0/24", "documentation, TEST-NET-3 (RFC 5737)");
        v4("240.0.0.0/4", "reserved (RFC 1112)");
        v4("255.255.255.255/32", "limited broadcast (RFC 919)");
        // IANA IPv4 Multicast Address Space Registry
        v4("224.0.0.0/4", "multicast (RFC 5771)");
        // IANA IPv6 Special-Purpose Address Registry
        v6("::/128", "the unspecified address (RFC 4291)", Embedding.NONE);
        v6("::1/128", "loopback (RFC 4291)", Embedding.NONE);
        v6("::ffff:0:0/96", "IPv4-mapped (RFC 4291)", Embedding.LAST_32);
        v6("::/96", "IPv4-compatible, deprecated (RFC 4291)", Embedding.LAST_32);
        v6("64:ff9b::/96", "NAT64 well-known prefix (RFC 6052)", Embedding.LAST_32);
        v6("64:ff9b:1::/48", "local-use NAT64 (RFC 8215)", Embedding.NONE);
        v6("100::/64", "discard-only (RFC 6666)", Embedding.NONE);
        v6("2001::/32", "Teredo (RFC 4380)", Embedding.TEREDO);
        v6("2001:db8::/32", "documentation (RFC 3849)", Embedding.NONE);
        v6("2001::/23", "IETF protocol assignments (RFC 2928)", Embedding.NONE);
        v6("2002::/16", "6to4 (RFC 3056)", Embedding.SIX_TO_FOUR);
        v6("2620:4f:8000::/48", "direct delegation AS112 service (RFC 7534)", Embedding.NONE);
        v6("3fff::/20", "documentation (RFC 9637)", Embedding.NONE);
        v6("5f00::/16", "segment routing SIDs (RFC 9602)", Embedding.NONE);
        v6("fc00::/7", "unique local (RFC 4193)", Embedding.NONE);
        v6("fe80::/10", "link-local (RFC 4291)", Embedding.NONE);
        // IANA IPv6 Address Space registry
        v6("fec0::/10", "site-local, deprecated (RFC 3879)", Embedding.NONE);
        v6("ff00::/8", "multicast (RFC 4291)", Embedding.NONE);
        BLOCKS.sort(Comparator.comparingInt((Block b) -> b.bits()).reversed());
    }

    /** IANA assigns IPv6 unicast from 2000::/3 only: anything else is reserved, local or one of the blocks above. */
    private static final Block GLOBAL_UNICAST_V6 = block("2000::/3", "global unicast", Embedding.NONE);

    private AddressClass() {
    }

    /**
     * Why {@code address} may not be a vendor call's target, naming the block and its RFC (and, for an IPv6 address
     * carrying an IPv4 one, that address and its class); {@code null} for an ordinary public unicast address.
     */
    public static String refusal(InetAddress address) {
        byte[] a = address.getAddress();
        for (Block b : BLOCKS) {
            if (b.contains(a)) {
                String reason = b.text() + " " + b.name();
                byte[] embedded = embedded(b.embedding(), a);
                if (embedded != null) {
                    String inner = refusal(v4(embedded));
                    reason += ", which embeds " + v4(embedded).getHostAddress()
                            + (inner == null ? "" : ": " + inner);
                }
                return reason;
            }
        }
        if (a.length == 16 && !GLOBAL_UNICAST_V6.contains(a)) {
            return "outside IPv6 global unicast (2000::/3, IANA IPv6 Address Space)";
        }
        return null;
    }

    /** True when {@link #refusal} has a reason. */
    public static boolean isRefused(InetAddress address) {
        return refusal(address) != null;
    }

    private static byte[] embedded(Embedding e, byte[] a) {
        return switch (e) {
            case NONE -> null;
            case LAST_32 -> new byte[] {a[12], a[13], a[14], a[15]};
            case SIX_TO_FOUR -> new byte[] {a[2], a[3], a[4], a[5]};
            case TEREDO -> new byte[] {(byte) ~a[12], (byte) ~a[13], (byte) ~a[14], (byte) ~a[15]};
        };
    }

    private static InetAddress v4(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);   // four bytes are always an address
        }
    }

    private static void v4(String cidr, String name) {
        BLOCKS.add(block(cidr, name, Embedding.NONE));
    }

    private static void v6(String cidr, String name, Embedding embedding) {
        BLOCKS.add(block(cidr, name, embedding));
    }

    /** A block from its CIDR text; the addresses are literals, parsed without any lookup. */
    private static Block block(String cidr, String name, Embedding embedding) {
        int slash = cidr.indexOf('/');
        String address = cidr.substring(0, slash);
        byte[] prefix;
        try {
            prefix = (address.contains(":") ? InetAddress.getByName("[" + address + "]")
                    : InetAddress.getByAddress(TargetGuard.dottedQuad(address))).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(cidr, e);
        }
        if (address.contains(":") && prefix.length == 4) {
            // Java turns ::ffff:a.b.c.d into an IPv4 address: the block itself is the IPv6 form.
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(prefix, 0, mapped, 12, 4);
            prefix = mapped;
        }
        return new Block(new Cidr(prefix, Integer.parseInt(cidr.substring(slash + 1))), cidr, name, embedding);
    }
}
