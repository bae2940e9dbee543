package io.wharf.registry.api;

import java.util.Map;

import io.wharf.registry.oci.OciError;
import io.wharf.registry.oci.RegistryException;

/**
 * The {@code Content-Range: <start>-<end>} of an upload chunk (with or without a {@code bytes }
 * prefix; both are sent by real clients).
 */
record ContentRange(long start, long end) {

    /**
     * Null when there is no header. A malformed range, or one whose length disagrees with
     * Content-Length, is a 416 carrying the upload's current {@code Range}.
     */
    static ContentRange parse(String header, String contentLength, long currentSize) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String spec = header.trim();
        if (spec.startsWith("bytes")) {
            spec = spec.substring(5).trim();
            if (spec.startsWith("=")) {
                spec = spec.substring(1).trim();
            }
        }
        int slash = spec.indexOf('/');
        if (slash >= 0) {
            spec = spec.substring(0, slash);
        }
        int dash = spec.indexOf('-');
        try {
            long start = Long.parseLong(spec.substring(0, dash).trim());
            long end = Long.parseLong(spec.substring(dash + 1).trim());
            if (start < 0 || end < start) {
                throw invalid(currentSize, "Content-Range " + header + " is not a range");
            }
            if (contentLength != null && Long.parseLong(contentLength.trim()) != end - start + 1) {
                throw invalid(currentSize, "Content-Range " + header + " does not match Content-Length " + contentLength);
            }
            return new ContentRange(start, end);
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            throw invalid(currentSize, "Content-Range " + header + " is not a range");
        }
    }

    private static RegistryException invalid(long currentSize, String detail) {
        return new RegistryException(OciError.RANGE_INVALID, detail, Map.of("Range", "0-" + Math.max(0, currentSize - 1)));
    }
}
