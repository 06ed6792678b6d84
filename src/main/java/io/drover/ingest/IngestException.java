package io.drover.ingest;

/**
 * A request Drover refuses, with the HTTP status and a short machine-readable code; the message names the problem and
 * is sent back to the client as is, so it never contains a secret.
 */
public final class IngestException extends RuntimeException {

    private final int status;
    private final String code;

    public IngestException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public static IngestException badRequest(String code, String message) {
        return new IngestException(400, code, message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
