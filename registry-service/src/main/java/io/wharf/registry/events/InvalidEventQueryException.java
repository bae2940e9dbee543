package io.wharf.registry.events;

/** A query parameter of the event API is malformed or out of range; answered with 400. */
public class InvalidEventQueryException extends RuntimeException {

    private final String parameter;

    public InvalidEventQueryException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    /** The offending query parameter. */
    public String parameter() {
        return parameter;
    }
}
