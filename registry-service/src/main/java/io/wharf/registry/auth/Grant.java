package io.wharf.registry.auth;

import java.util.Set;

/**
 * One entry of a token's {@code access} claim: {@code {"type":"repository","name":"acme/api","actions":["pull"]}}.
 * A {@code registry:catalog:*} scope is the grant of type {@code registry}, name {@code catalog}.
 */
public record Grant(String type, String name, Set<Action> actions) {

    public static final String REPOSITORY = "repository";
    public static final String REGISTRY = "registry";
    public static final String CATALOG = "catalog";

    public Grant {
        actions = Set.copyOf(actions);
    }

    public boolean isCatalog() {
        return REGISTRY.equals(type) && CATALOG.equals(name);
    }
}
