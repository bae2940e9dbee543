package io.wharf.reference;

import java.util.Map;
import java.util.Objects;

/**
 * A content digest, {@code algorithm:encoded}, validated like the docker CLI does (opencontainers/go-digest).
 *
 * <p>Supported algorithms and their encoded form (lower-case hex only):
 * {@code sha256} (64 characters), {@code sha384} (96), {@code sha512} (128).
 * Parsing fails with:
 * <ul>
 *   <li>{@code invalid checksum digest format} when there is no {@code algorithm:} prefix, nothing after it,
 *       or the hex is not lower-case hex;</li>
 *   <li>{@code unsupported digest algorithm} for a well-formed digest of another algorithm
 *       (e.g. {@code md5:...});</li>
 *   <li>{@code invalid checksum digest length} when the hex has the wrong length for its algorithm.</li>
 * </ul>
 * Instances are immutable; equality is by algorithm and hex.
 */
public final class Digest {

    private static final Map<String, Integer> HEX_LENGTHS = Map.of("sha256", 64, "sha384", 96, "sha512", 128);

    private final String algorithm;
    private final String hex;

    private Digest(String algorithm, String hex) {
        this.algorithm = algorithm;
        this.hex = hex;
    }

    /**
     * Parses {@code algorithm:hex}.
     *
     * @throws InvalidReferenceException with code {@code DIGEST_INVALID} and one of the messages above
     * @throws NullPointerException      if {@code digest} is null
     */
    public static Digest parse(String digest) {
        Objects.requireNonNull(digest, "digest");
        String problem = problem(digest);
        if (problem != null) {
            throw new InvalidReferenceException(problem, InvalidReferenceException.Code.DIGEST_INVALID);
        }
        int colon = digest.indexOf(':');
        return new Digest(digest.substring(0, colon), digest.substring(colon + 1));
    }

    /** True when {@link #parse(String)} would accept the text. */
    public static boolean isValid(String digest) {
        return digest != null && problem(digest) == null;
    }

    /** The go-digest message for an invalid digest, or null when valid. */
    static String problem(String digest) {
        int colon = digest.indexOf(':');
        if (colon <= 0 || colon == digest.length() - 1) {
            return Grammar.CHECKSUM_FORMAT;
        }
        Integer length = HEX_LENGTHS.get(digest.substring(0, colon));
        if (length == null) {
            return Grammar.OCI_DIGEST.matcher(digest).matches() ? Grammar.DIGEST_UNSUPPORTED : Grammar.CHECKSUM_FORMAT;
        }
        String encoded = digest.substring(colon + 1);
        if (encoded.length() != length) {
            return Grammar.CHECKSUM_LENGTH;
        }
        return Grammar.LOWER_HEX.matcher(encoded).matches() ? null : Grammar.CHECKSUM_FORMAT;
    }

    /** The algorithm, e.g. {@code sha256}. */
    public String algorithm() {
        return algorithm;
    }

    /** The lower-case hex of the checksum (the "encoded" part). */
    public String hex() {
        return hex;
    }

    /** {@code algorithm:hex}, e.g. {@code sha256:7173b8...}. */
    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Digest && ((Digest) o).algorithm.equals(algorithm) && ((Digest) o).hex.equals(hex);
    }

    @Override
    public int hashCode() {
        return 31 * algorithm.hashCode() + hex.hashCode();
    }
}
