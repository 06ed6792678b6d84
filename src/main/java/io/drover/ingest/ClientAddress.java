package io.drover.ingest;

import java.util.ArrayList;
import java.util.List;

import io.drover.support.Cidr;

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
            list.add(Cidr.parse(entry, "drover.http.trusted-proxies"));
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
}
