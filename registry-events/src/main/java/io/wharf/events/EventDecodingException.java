package io.wharf.events;

/** Bytes or a CloudEvent that are not a valid Wharf event. Not worth retrying: the input will not change. */
public class EventDecodingException extends RuntimeException {

    public EventDecodingException(String message) {
        super(message);
    }

    public EventDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
