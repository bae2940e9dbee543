package io.wharf.outbound;

/** A host that {@link AddressGuard} will not let a request reach: final, retrying cannot help. */
public class RefusedAddressException extends RuntimeException {
    public RefusedAddressException(String message) {
        super(message);
    }
}
