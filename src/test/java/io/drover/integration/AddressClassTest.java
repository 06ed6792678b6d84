package io.drover.integration;

import java.net.Inet6Address;
import java.net.InetAddress;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The classifier on literal addresses only: each is parsed from its text (never looked up, never connected to). The
 * public ones are well-known literals that only the classifier sees.
 */
class AddressClassTest {

    /** An IPv4 dotted quad or an IPv6 literal, parsed without DNS; "6:" keeps an IPv4-mapped address as IPv6. */
    static InetAddress literal(String text) throws Exception {
        if (text.startsWith("6:")) {
            byte[] b = new byte[16];
            b[10] = (byte) 0xff;
            b[11] = (byte) 0xff;
            System.arraycopy(TargetGuard.dottedQuad(text.substring(2)), 0, b, 12, 4);
            return Inet6Address.getByAddress(null, b, -1);
        }
        if (text.contains(":")) {
            return InetAddress.getByName("[" + text + "]");   // bracketed: an IPv6 literal or an error, no lookup
        }
        byte[] quad = TargetGuard.dottedQuad(text);
        assertThat(quad).as(text).isNotNull();
        return InetAddress.getByAddress(quad);
    }

    @ParameterizedTest(name = "{0} refused: {1}")
    @CsvSource(delimiter = '|', value = {
        // IPv4 special-purpose registry, multicast, reserved
        "0.0.0.0           | 0.0.0.0/8",
        "0.1.2.3           | 0.0.0.0/8",
        "10.0.0.1          | 10.0.0.0/8",
        "10.255.255.255    | 10.0.0.0/8",
        "100.64.0.1        | 100.64.0.0/10",
        "100.127.255.255   | 100.64.0.0/10",
        "127.0.0.1         | 127.0.0.0/8 loopback",
        "127.255.255.254   | 127.0.0.0/8",
        "169.254.169.254   | 169.254.0.0/16 link-local",
        "172.16.0.1        | 172.16.0.0/12",
        "172.31.255.255    | 172.16.0.0/12",
        "192.0.0.1         | 192.0.0.0/24",
        "192.0.0.170       | 192.0.0.0/24",
        "192.0.2.1         | 192.0.2.0/24 documentation",
        "192.31.196.1      | 192.31.196.0/24",
        "192.52.193.1      | 192.52.193.0/24",
        "192.88.99.1       | 192.88.99.0/24",
        "192.168.1.1       | 192.168.0.0/16",
        "192.175.48.1      | 192.175.48.0/24",
        "198.18.0.1        | 198.18.0.0/15 benchmarking",
        "198.19.255.255    | 198.18.0.0/15",
        "198.51.100.7      | 198.51.100.0/24",
        "203.0.113.9       | 203.0.113.0/24",
        "224.0.0.1         | 224.0.0.0/4 multicast",
        "239.255.255.250   | 224.0.0.0/4",
        "240.0.0.1         | 240.0.0.0/4 reserved",
        "255.255.255.255   | 255.255.255.255/32",
        // IPv6 special-purpose registry and address space
        "::                | ::/128",
        "::1               | ::1/128 loopback",
        "::ffff:127.0.0.1  | 127.0.0.0/8",
        "6:127.0.0.1       | ::ffff:0:0/96 IPv4-mapped (RFC 4291), which embeds 127.0.0.1: 127.0.0.0/8",
        "6:8.8.8.8         | ::ffff:0:0/96 IPv4-mapped (RFC 4291), which embeds 8.8.8.8",
        "::127.0.0.1       | ::/96 IPv4-compatible, deprecated (RFC 4291), which embeds 127.0.0.1: 127.0.0.0/8",
        "::a9fe:a9fe       | ::/96 IPv4-compatible, deprecated (RFC 4291), which embeds 169.254.169.254: 169.254.0.0/16",
        "::8.8.8.8         | ::/96",
        "64:ff9b::7f00:1   | 64:ff9b::/96 NAT64 well-known prefix (RFC 6052), which embeds 127.0.0.1: 127.0.0.0/8",
        "64:ff9b::a9fe:a9fe | which embeds 169.254.169.254: 169.254.0.0/16",
        "64:ff9b::c612:1   | which embeds 198.18.0.1: 198.18.0.0/15",
        "64:ff9b::808:808  | 64:ff9b::/96",
        "64:ff9b:1::a00:1  | 64:ff9b:1::/48 local-use NAT64",
        "100::1            | 100::/64 discard-only",
        "2001:0:4136:e378:8000:63bf:80ff:fffe | 2001::/32 Teredo (RFC 4380), which embeds 127.0.0.1: 127.0.0.0/8",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2 | 2001::/32 Teredo (RFC 4380), which embeds 192.0.2.45: 192.0.2.0/24",
        "2001:0:4136:e378:8000:63bf:f7f7:f7f7 | 2001::/32 Teredo (RFC 4380), which embeds 8.8.8.8",
        "2001:db8::1       | 2001:db8::/32 documentation",
        "2001:2::1         | 2001::/23",
        "2001:1ff:ffff::1  | 2001::/23",
        "2002:7f00:1::1    | 2002::/16 6to4 (RFC 3056), which embeds 127.0.0.1: 127.0.0.0/8",
        "2002:a9fe:a9fe::  | 2002::/16 6to4 (RFC 3056), which embeds 169.254.169.254",
        "2002:808:808::1   | 2002::/16 6to4 (RFC 3056), which embeds 8.8.8.8",
        "2620:4f:8000::1   | 2620:4f:8000::/48",
        "3fff::1           | 3fff::/20 documentation",
        "5f00::1           | 5f00::/16",
        "fc00::1           | fc00::/7 unique local",
        "fd12:3456::1      | fc00::/7",
        "fe80::1           | fe80::/10 link-local",
        "febf::1           | fe80::/10",
        "fec0::1           | fec0::/10 site-local",
        "ff02::1           | ff00::/8 multicast",
        "4000::1           | outside IPv6 global unicast (2000::/3",
        "1::1              | outside IPv6 global unicast",
        "::ffff:0:7f00:1   | outside IPv6 global unicast",
    })
    void refused(String literal, String reason) throws Exception {
        assertThat(AddressClass.refusal(literal(literal))).contains(reason);
        assertThat(AddressClass.isRefused(literal(literal))).isTrue();
    }

    @ParameterizedTest(name = "{0} is a public unicast address")
    @CsvSource({
        "8.8.8.8", "1.1.1.1", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0", "126.255.255.255",
        "128.0.0.0", "169.253.255.255", "169.255.0.0", "172.15.255.255", "172.32.0.0", "192.0.1.255", "192.0.3.0",
        "192.88.98.255", "192.167.255.255", "192.169.0.0", "198.17.255.255", "198.20.0.0", "223.255.255.255",
        "::ffff:8.8.8.8",
        "2001:4860:4860::8888", "2606:4700:4700::1111", "2001:200::1", "2a00:1450:4001::1", "2620:4f:8001::1",
        "3ffe::1"})
    void publicAddressesPass(String literal) throws Exception {
        assertThat(AddressClass.refusal(literal(literal))).isNull();
    }
}
