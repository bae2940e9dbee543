package io.wharf.registry.retention;

import java.util.Collection;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.arc.DefaultBean;
import io.smallrye.mutiny.Uni;

/** The {@link RetentionGuard} in force until tag immutability provides one: no tag is protected. */
@DefaultBean
@ApplicationScoped
public class NoProtectedTags implements RetentionGuard {

    @Override
    public Uni<Map<String, String>> protectedTags(String repository, Collection<String> tags) {
        return Uni.createFrom().item(Map.of());
    }
}
