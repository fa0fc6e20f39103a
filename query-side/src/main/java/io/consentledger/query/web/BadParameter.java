package io.consentledger.query.web;

/**
 * A query parameter the endpoint refuses: unknown, malformed (a control character, an empty or array-style name),
 * repeated, or not one the caller may use. Answered 400 by {@link ParameterProblems}, naming the parameter.
 */
public class BadParameter extends RuntimeException {

    /** The problem types, as they appear after the problem base URI and in the problem's {@code code}. */
    public enum Kind {
        UNKNOWN("unknown-parameter", "Unknown parameter"),
        MALFORMED("malformed-parameter", "Malformed parameter"),
        REPEATED("repeated-parameter", "Repeated parameter"),
        NOT_ALLOWED("parameter-not-allowed", "Parameter not allowed");

        final String type;
        final String title;

        Kind(String type, String title) {
            this.type = type;
            this.title = title;
        }

        public String type() {
            return type;
        }

        public String title() {
            return title;
        }
    }

    private final Kind kind;
    private final String parameter;

    public BadParameter(Kind kind, String parameter, String detail) {
        super(detail, null, false, false); // a client's mistake: no stack trace is ever filled in
        this.kind = kind;
        this.parameter = parameter;
    }

    public Kind kind() {
        return kind;
    }

    /** The parameter's name, made printable ({@link Printable#of}). */
    public String parameter() {
        return parameter;
    }
}
