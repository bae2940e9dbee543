package io.wharf.reference;

/**
 * Thrown when a {@link Glob} or {@link RepositoryGlob} is not valid. The message names the cause in
 * words a user can act on (for example {@code pattern must not be more than 256 characters}).
 */
public class InvalidPatternException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidPatternException(String message) {
        super(message);
    }
}
