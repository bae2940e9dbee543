package io.wharf.access;

/**
 * The registry could not say what was asked of it (unreachable, too slow, or an answer that is no
 * answer): whatever needed it is refused, never decided without it. The API answers 503
 * ({@link RegistryProblems}).
 */
public class RegistryUnavailableException extends RuntimeException {

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
