package io.drover.playbook;

import com.fasterxml.jackson.databind.JsonNode;

/** One step of a mapping's transform chain, built once. */
interface Transform {

    /**
     * @param value present and not JSON null
     * @return the new value, or {@code null} when there is none (e.g. sha256 of an empty string)
     * @throws Failure when the value cannot be transformed; the message never quotes the value (it may be personal data)
     */
    JsonNode apply(JsonNode value);

    /** A value this transform cannot handle, e.g. toInteger of "abc". Cheap: no stack trace. */
    final class Failure extends RuntimeException {
        Failure(String message) {
            super(message, null, false, false);
        }
    }
}
