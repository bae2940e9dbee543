package io.wharf.registry.auth;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a personal access token may be used for: pulling, pushing and deleting in the registry, and
 * the management API. Changing the account's password and making tokens need the password itself,
 * whatever a token's scopes.
 */
public enum TokenScope {
    PULL(Action.PULL),
    PUSH(Action.PUSH),
    DELETE(Action.DELETE),
    /** The management API (projects, members, robots, webhooks, deploy rules...), not the account's own security. */
    API(null);

    /** A new token's scopes when none are asked for: registry pull and push. */
    public static final Set<TokenScope> DEFAULT = Set.copyOf(EnumSet.of(PULL, PUSH));

    private final Action action;

    TokenScope(Action action) {
        this.action = action;
    }

    /** The name in the API and the database. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The scope of a wire name; {@link IllegalArgumentException} naming the ones there are. */
    public static TokenScope fromWire(String name) {
        for (TokenScope s : values()) {
            if (s.wireName().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scope '" + name + "': use pull, push, delete, api");
    }

    /** Scopes from their stored form, e.g. {@code pull,push}. */
    public static Set<TokenScope> parse(String stored) {
        Set<TokenScope> scopes = EnumSet.noneOf(TokenScope.class);
        for (String s : stored.split(",")) {
            if (!s.isBlank()) {
                scopes.add(fromWire(s.trim()));
            }
        }
        return Set.copyOf(scopes);
    }

    /** The wire names, in declaration order. */
    public static List<String> names(Set<TokenScope> scopes) {
        Set<TokenScope> ordered = EnumSet.noneOf(TokenScope.class);
        ordered.addAll(scopes);
        return ordered.stream().map(TokenScope::wireName).toList();
    }

    /** The stored form, in declaration order. */
    public static String join(Set<TokenScope> scopes) {
        return String.join(",", names(scopes));
    }

    /** The registry actions the scopes allow. */
    public static Set<Action> actions(Set<TokenScope> scopes) {
        Set<Action> actions = EnumSet.noneOf(Action.class);
        scopes.forEach(s -> {
            if (s.action != null) {
                actions.add(s.action);
            }
        });
        return actions;
    }
}
