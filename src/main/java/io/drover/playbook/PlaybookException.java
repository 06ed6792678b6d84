package io.drover.playbook;

/**
 * A playbook (or an integration's selection settings) that cannot be compiled. The message names the owner, the
 * place in the document and the problem, e.g.
 * {@code playbook acme: eventSpecific."Order Completed".mappings[2].transforms[0]: unknown transform 'sha265'}.
 */
public final class PlaybookException extends RuntimeException {

    public PlaybookException(String message) {
        super(message);
    }

    PlaybookException(String message, Throwable cause) {
        super(message, cause);
    }
}
