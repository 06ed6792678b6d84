package io.drover.ingest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the client's IP address: the connection's peer, or, when that peer is a trusted proxy, the right-most address
 * in {@code X-Forwarded-For} that is not itself a trusted proxy. Untrusted peers cannot spoof an address by sending
 * the header.
 */
final class ClientAddress {

    private final List<Cidr> trusted;

    ClientAddress(List<String> trustedProxies) {
        List<Cidr> list = new ArrayList<>();
        for (String entry : trustedProxies) {
            list.add(Cidr.parse(entry));
        }
        this.trusted = List.copyOf(list);
    }

    String resolve(String peer, String forwardedFor) {
        if (peer == null || forwardedFor == null || forwardedFor.isBlank() || !isTrusted(peer)) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        String candidate = peer;
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (hop.isEmpty()) {
                continue;
            }
            candidate = hop;
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return candidate;
    }

    private boolean isTrusted(String address) {
        if (trusted.isEmpty()) {
            return false;
        }
        byte[] bytes = Cidr.literal(address);
        if (bytes == null) {
            return false;
        }
        for (Cidr cidr : trusted) {
            if (cidr.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** An address block such as {@code 10.0.0.0/8}, {@code ::1} or {@code 127.0.0.1}. */
    record Cidr(byte[] network, int prefix) {

        static Cidr parse(String text) {
            String[] parts = text.trim().split("/", 2);
            byte[] network = literal(parts[0]);
            if (network == null) {
                throw new IllegalArgumentException("drover.http.trusted-proxies: '" + text + "' is not an IP address or CIDR block");
            }
            int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : network.length * 8;
            return new Cidr(network, prefix);
        }

        boolean contains(byte[] address) {
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
        static byte[] literal(String text) {
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
}
