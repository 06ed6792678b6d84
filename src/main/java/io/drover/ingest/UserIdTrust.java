package io.drover.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.drover.config.Source;
import io.drover.identity.UserHash;

/**
 * Decides, once per message, whether the identity store may believe its userId (docs/security.md, section 2): always
 * for a source that trusts its userIds (server-side, or {@code trust-user-ids}); for a browser source, only when the
 * message proves the userId with the right {@code context.userHash}. A browser's userId that is not proved is
 * counted ({@code drover_identity_unverified_user_ids_total}, by source and reason {@code missing} or {@code wrong}),
 * never logged: the message is stored and delivered all the same, only not linked to nor enriched by that userId.
 */
final class UserIdTrust {

    private final IngestMetrics metrics;

    UserIdTrust(IngestMetrics metrics) {
        this.metrics = metrics;
    }

    /** @param userHash the message's {@code context.userHash}, already taken out of it ({@link UserHash#take}) */
    boolean trusts(Source source, JsonNode message, String userHash) {
        if (source.trustsUserIds()) {
            return true;
        }
        JsonNode userId = message.get("userId");
        if (userId == null || !userId.isTextual() || userId.textValue().isBlank()) {
            return false;
        }
        if (UserHash.verifies(source.userHashSecret(), userId.textValue(), userHash)) {
            return true;
        }
        metrics.unverifiedUserId(source.name(), userHash == null ? "missing" : "wrong");
        return false;
    }
}
