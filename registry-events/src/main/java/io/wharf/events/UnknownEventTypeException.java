package io.wharf.events;

/**
 * A well-formed CloudEvent whose type this version of the contract does not know, typically
 * from a newer producer. Consumers should skip such events, not fail on them.
 */
public class UnknownEventTypeException extends EventDecodingException {

    private final String cloudEventType;

    public UnknownEventTypeException(String cloudEventType) {
        super("Unknown event type: " + cloudEventType);
        this.cloudEventType = cloudEventType;
    }

    /** The type string that was not recognised. */
    public String cloudEventType() {
        return cloudEventType;
    }
}
