package io.drover.support;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address block such as {@code 10.0.0.0/8}, {@code ::1} or {@code 127.0.0.1}: its network's bytes, its length. */
public record Cidr(byte[] network, int prefix) {

    /** A block from its text; {@code setting} names where it was given, for the error. */
    public static Cidr parse(String text, String setting) {
        String[] parts = text.trim().split("/", 2);
        byte[] network = literal(parts[0]);
        if (network == null) {
            throw new IllegalArgumentException(setting + ": '" + text + "' is not an IP address or CIDR block");
        }
        int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : network.length * 8;
        return new Cidr(network, prefix);
    }

    /** Whether the address (its bytes: 4 for IPv4, 16 for IPv6) is in this block. */
    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }

    /** Parses an IP literal without ever doing a DNS look-up; null when it is not one. */
    public static byte[] literal(String text) {
        String s = text.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        boolean v4 = s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = s.indexOf(':') >= 0 && s.matches("[0-9a-fA-F:.%a-zA-Z]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
