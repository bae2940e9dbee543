package io.wharf.registry.storage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A digest this package can store: {@code sha256} or {@code sha512} with lowercase hex of the
 * right length. Anything else parses to {@code null}, so a digest never names a path it should not.
 */
record BlobDigest(String algorithm, String hex) {

    /** The algorithms supported, as they appear before the colon. */
    static final List<String> ALGORITHMS = List.of("sha256", "sha512");

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SHA512 = Pattern.compile("[0-9a-f]{128}");

    /** The digest, or {@code null} when {@code digest} is not a supported {@code algorithm:hex}. */
    static BlobDigest parse(String digest) {
        if (digest == null) {
            return null;
        }
        int colon = digest.indexOf(':');
        if (colon < 0) {
            return null;
        }
        String algorithm = digest.substring(0, colon);
        String hex = digest.substring(colon + 1);
        Pattern shape = switch (algorithm) {
            case "sha256" -> SHA256;
            case "sha512" -> SHA512;
            default -> null;
        };
        return shape != null && shape.matcher(hex).matches() ? new BlobDigest(algorithm, hex) : null;
    }

    /** A fresh {@link MessageDigest} for this digest's algorithm. */
    MessageDigest newMessageDigest() {
        return messageDigest(algorithm);
    }

    /** A fresh {@link MessageDigest} for {@code sha256} or {@code sha512}. */
    static MessageDigest messageDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm.equals("sha512") ? "SHA-512" : "SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides " + algorithm, e);
        }
    }

    @Override
    public String toString() {
        return algorithm + ':' + hex;
    }
}
