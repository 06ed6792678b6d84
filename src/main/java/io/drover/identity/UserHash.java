package io.drover.identity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Identity verification of a userId sent by a browser (as Intercom's {@code user_hash}): the site's backend computes
 * {@code hex(HMAC-SHA256(key = the source's user-hash secret, message = the userId as UTF-8))} when the user logs
 * in, and the page passes it as {@code context.userHash}. Only someone who holds the secret can make one, so a
 * visitor cannot prove a userId that is not theirs. The hash is a credential for its user: {@link #take} removes it
 * from the event, which is stored and sent to vendors without it.
 */
public final class UserHash {

    /** Where the hash travels: {@code context.userHash}. */
    public static final String FIELD = "userHash";
    private static final String ALGORITHM = "HmacSHA256";
    private static final int HASH_BYTES = 32;

    private UserHash() {
    }

    /** Removes {@code context.userHash} from the event and returns it (null: none, or not a string). */
    public static String take(ObjectNode event) {
        if (!(event.get("context") instanceof ObjectNode context)) {
            return null;
        }
        JsonNode hash = context.remove(FIELD);
        return hash != null && hash.isTextual() ? hash.textValue() : null;
    }

    /**
     * Whether {@code hash} is the HMAC of {@code userId} under {@code secret}, in hex (either case). False when any
     * of them is missing: a source without a secret verifies nothing. The bytes are compared in constant time, so
     * the time of a refusal tells nothing about how much of a forged hash was right.
     */
    public static boolean verifies(String secret, String userId, String hash) {
        if (secret == null || secret.isEmpty() || userId == null || hash == null || hash.length() != HASH_BYTES * 2) {
            return false;
        }
        byte[] claimed;
        try {
            claimed = HexFormat.of().parseHex(hash);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(hmac(secret, userId), claimed);
    }

    /** The lowercase hex hash of a userId, as the site's backend computes it. */
    public static String of(String secret, String userId) {
        return HexFormat.of().formatHex(hmac(secret, userId));
    }

    private static byte[] hmac(String secret, String userId) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
            return mac.doFinal(userId.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }
}
