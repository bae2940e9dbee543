package io.wharf.intake;

/** A request about parked events refused: the id is unknown, the event is not parked, or its replay failed. */
public class ParkedEventException extends RuntimeException {

    /** Why; the API answers 404, 409 with code {@code CONFLICT}, or 409 with code {@code REPLAY_FAILED}. */
    public enum Kind { NOT_FOUND, NOT_PARKED, REPLAY_FAILED }

    private final Kind kind;

    public ParkedEventException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
