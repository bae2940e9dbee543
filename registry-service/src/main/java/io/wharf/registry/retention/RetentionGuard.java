package io.wharf.registry.retention;

import java.util.Collection;
import java.util.Map;

import io.smallrye.mutiny.Uni;

/**
 * Tags that retention and untagged cleanup must never remove, whatever the rules say: the seam to tag
 * immutability. An artifact with a protected tag is kept, with all its tags. Without another bean the
 * default ({@link NoProtectedTags}) protects nothing.
 */
public interface RetentionGuard {

    /**
     * Of {@code tags} of {@code repository} (a full name, {@code project/name}), those that must stay, each
     * with the reason the report shows (e.g. {@code immutable: rule "releases"}); the others are absent.
     */
    Uni<Map<String, String>> protectedTags(String repository, Collection<String> tags);
}
