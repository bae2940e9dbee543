package io.wharf.registry.proxy;

/**
 * The upstream registry answered something other than what was asked for (an error status, no
 * token), or could not be reached ({@code status} 0). The message names the upstream's answer.
 */
public class UpstreamException extends RuntimeException {

    private final int status;

    public UpstreamException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** The upstream's HTTP status, 0 when there was no answer. */
    public int status() {
        return status;
    }

    /** True when the upstream is down, overloaded or unreachable: a cached copy may be served instead. */
    public boolean transientFailure() {
        return status == 0 || status == 429 || status >= 500;
    }
}
