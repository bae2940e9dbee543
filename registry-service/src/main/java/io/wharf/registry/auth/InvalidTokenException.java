package io.wharf.registry.auth;

/** A token that is not accepted: bad signature, wrong issuer or audience, expired, malformed. */
public class InvalidTokenException extends Exception {

    public InvalidTokenException(String reason) {
        super(reason, null, false, false);
    }
}
