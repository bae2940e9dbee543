package io.wharf.registry.auth;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What a caller may do to a repository, as named in token scopes ({@code repository:<name>:pull,push}). */
public enum Action {
    PULL, PUSH, DELETE;

    public String scopeName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The actions a scope's action list names; unknown words are ignored (the token then simply
     * does not grant them). {@code *} is Distribution's word for everything, used for deletes.
     */
    public static Set<Action> parseList(String list) {
        Set<Action> actions = EnumSet.noneOf(Action.class);
        for (String word : list.split(",")) {
            switch (word.trim()) {
                case "pull" -> actions.add(PULL);
                case "push" -> actions.add(PUSH);
                case "delete" -> actions.add(DELETE);
                case "*" -> actions.addAll(EnumSet.allOf(Action.class));
                default -> {
                    // not an action this registry grants
                }
            }
        }
        return actions;
    }

    /** {@code pull,push} in the canonical order. */
    public static String join(Set<Action> actions) {
        StringBuilder s = new StringBuilder();
        for (Action a : values()) {
            if (actions.contains(a)) {
                s.append(s.isEmpty() ? "" : ",").append(a.scopeName());
            }
        }
        return s.toString();
    }
}
