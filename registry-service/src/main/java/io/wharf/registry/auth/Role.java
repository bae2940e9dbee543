package io.wharf.registry.auth;

import java.util.EnumSet;
import java.util.Set;

/**
 * Project roles with Harbor's meaning. Repository rights:
 * <pre>
 * role           pull push delete  members robots  webhooks/deploy-rules  read members/events
 * projectAdmin    x    x     x       x       x        x                      x
 * maintainer      x    x     x                        x                      x
 * developer       x    x                                                     x
 * guest           x                                                          x
 * limitedGuest    x
 * </pre>
 * A limited guest pulls but sees nothing else of the project (members, robots, events).
 */
public enum Role {
    PROJECT_ADMIN("projectAdmin", EnumSet.allOf(Action.class)),
    MAINTAINER("maintainer", EnumSet.allOf(Action.class)),
    DEVELOPER("developer", EnumSet.of(Action.PULL, Action.PUSH)),
    GUEST("guest", EnumSet.of(Action.PULL)),
    LIMITED_GUEST("limitedGuest", EnumSet.of(Action.PULL));

    private final String wireName;
    private final Set<Action> actions;

    Role(String wireName, Set<Action> actions) {
        this.wireName = wireName;
        this.actions = actions;
    }

    /** The name used in the API, the database and tokens. */
    public String wireName() {
        return wireName;
    }

    public Set<Action> actions() {
        return actions;
    }

    /** Manage members and robot accounts, change visibility, delete the project. */
    public boolean managesProject() {
        return this == PROJECT_ADMIN;
    }

    /** Manage webhook subscriptions and deploy rules. */
    public boolean managesAutomation() {
        return this == PROJECT_ADMIN || this == MAINTAINER;
    }

    /** See members, robots (names only) and the project's events. */
    public boolean readsProject() {
        return this != LIMITED_GUEST;
    }

    public static Role fromWire(String name) {
        for (Role r : values()) {
            if (r.wireName.equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + name + "': expected projectAdmin, maintainer, developer, guest or limitedGuest");
    }
}
