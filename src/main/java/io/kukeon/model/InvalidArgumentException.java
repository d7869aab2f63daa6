package io.kukeon.model;

/** A request field breaks a rule. The message names the field and the rule. Not final: a manifest syntax error is one. */
public class InvalidArgumentException extends KukeonException {
    private final String field;

    public InvalidArgumentException(String field, String rule) {
        super(field + ": " + rule);
        this.field = field;
    }

    public String field() {
        return field;
    }

    @Override
    public String kind() {
        return "InvalidArgument";
    }
}
