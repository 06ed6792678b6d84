package io.drover.playbook;

/**
 * A place in a playbook document ({@code eventSpecific."Order Completed".mappings[2]}), used to name the culprit of
 * compile errors and of run-time failures.
 */
final class Where {

    private final String owner;
    private final String path;

    private Where(String owner, String path) {
        this.owner = owner;
        this.path = path;
    }

    /** The document itself; {@code owner} is what errors start with, e.g. {@code playbook acme}. */
    static Where root(String owner) {
        return new Where(owner, "");
    }

    Where key(String key) {
        return new Where(owner, path.isEmpty() ? quoted(key) : path + "." + quoted(key));
    }

    Where index(int index) {
        return new Where(owner, path + "[" + index + "]");
    }

    String path() {
        return path;
    }

    PlaybookException error(String problem) {
        return new PlaybookException(owner + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
    }

    PlaybookException error(String problem, Throwable cause) {
        return new PlaybookException(owner + ": " + (path.isEmpty() ? "" : path + ": ") + problem, cause);
    }

    /** Plain identifiers stay bare; anything else (event names with spaces) is double-quoted. */
    private static String quoted(String key) {
        boolean plain = !key.isEmpty() && !Character.isDigit(key.charAt(0));
        for (int i = 0; plain && i < key.length(); i++) {
            char c = key.charAt(i);
            plain = c == '_' || c == '-' || (c < 128 && Character.isLetterOrDigit(c));
        }
        return plain ? key : '"' + key.replace("\"", "\\\"") + '"';
    }

    @Override
    public String toString() {
        return path;
    }
}
