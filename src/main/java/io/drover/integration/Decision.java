package io.drover.integration;

/** Whether an integration receives an event and, if not, why: a reason code for counting and a detail for logs. */
public final class Decision {

    /** Short codes for metrics labels. */
    public enum Reason {
        TYPE("type"), EVENT_NAME("event_name"), INTEGRATIONS_OBJECT("integrations_object"), CONSENT("consent"),
        FILTER("filter");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    static final Decision SELECTED = new Decision(null, null);

    private final Reason reason;
    private final String detail;

    private Decision(Reason reason, String detail) {
        this.reason = reason;
        this.detail = detail;
    }

    static Decision rejected(Reason reason, String detail) {
        return new Decision(reason, detail);
    }

    public boolean selected() {
        return reason == null;
    }

    /** Why not; {@code null} when selected. */
    public Reason reason() {
        return reason;
    }

    /** A sentence for logs and the debugger (no personal data); {@code null} when selected. */
    public String detail() {
        return detail;
    }

    @Override
    public String toString() {
        return selected() ? "selected" : reason.code() + ": " + detail;
    }
}
