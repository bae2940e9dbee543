package io.wharf.registry.immutability.override;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.wharf.registry.immutability.ImmutabilityRule;
import io.wharf.registry.immutability.TagImmutability;
import io.wharf.registry.oci.Names;
import io.wharf.registry.retention.RetentionGuard;

/**
 * Retention and untagged cleanup never remove a tag an immutability rule protects: the artifact it
 * names stays, with all its tags, and the report says which rule kept it. (In this package, not in
 * {@code immutability}: retention deletes through the manifest service, which checks immutability.)
 */
@ApplicationScoped
public class ImmutableTagsGuard implements RetentionGuard {

    private final TagImmutability immutability;

    public ImmutableTagsGuard(TagImmutability immutability) {
        this.immutability = immutability;
    }

    @Override
    public Uni<Map<String, String>> protectedTags(String repository, Collection<String> tags) {
        if (tags.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return immutability.rules(Names.project(repository)).map(rules -> {
            Map<String, String> kept = new LinkedHashMap<>();
            for (String tag : tags) {
                ImmutabilityRule rule = rules.protecting(repository, tag);
                if (rule != null) {
                    kept.put(tag, "immutable: " + rule.summary());
                }
            }
            return kept;
        });
    }
}
