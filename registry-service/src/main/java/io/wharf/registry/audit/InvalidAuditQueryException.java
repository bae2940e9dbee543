package io.wharf.registry.audit;

/** A filter, the cursor or the limit of an audit query is invalid; names the query parameter. */
public class InvalidAuditQueryException extends RuntimeException {

    private final String parameter;

    public InvalidAuditQueryException(String parameter, String message) {
        super(message, null, false, false);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
