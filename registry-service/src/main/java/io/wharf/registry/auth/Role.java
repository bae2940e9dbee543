package io.wharf.registry.auth;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

import io.wharf.access.Capability;
import io.wharf.access.ProjectRole;

/**
 * The registry's view of the project roles of {@link ProjectRole}, which owns their names and what
 * each may do; this adds the repository {@link Action}s a role's capabilities grant.
 */
public enum Role {
    PROJECT_ADMIN(ProjectRole.PROJECT_ADMIN),
    MAINTAINER(ProjectRole.MAINTAINER),
    DEVELOPER(ProjectRole.DEVELOPER),
    GUEST(ProjectRole.GUEST),
    LIMITED_GUEST(ProjectRole.LIMITED_GUEST);

    private final ProjectRole contract;
    private final Set<Action> actions;

    Role(ProjectRole contract) {
        this.contract = contract;
        Set<Action> granted = EnumSet.noneOf(Action.class);
        for (Action a : Action.values()) {
            if (contract.may(capability(a))) {
                granted.add(a);
            }
        }
        this.actions = Collections.unmodifiableSet(granted);
    }

    /** The role as the access contract names it. */
    public ProjectRole contract() {
        return contract;
    }

    /** The name used in the API, the database and tokens. */
    public String wireName() {
        return contract.wireName();
    }

    /** What the role may do to the project's repositories. */
    public Set<Action> actions() {
        return actions;
    }

    /** Manage members and robot accounts, change visibility, delete the project. */
    public boolean managesProject() {
        return contract.may(Capability.MANAGE_PROJECT);
    }

    /** Manage webhook subscriptions and deploy rules, repository descriptions and READMEs. */
    public boolean managesAutomation() {
        return contract.may(Capability.MANAGE_AUTOMATION);
    }

    /** See members, robots (names only) and the project's events. */
    public boolean readsProject() {
        return contract.may(Capability.READ_PROJECT);
    }

    /** The role of this wire name; {@link IllegalArgumentException} with a message fit for the caller. */
    public static Role fromWire(String name) {
        return of(ProjectRole.fromWire(name));
    }

    /** The registry role for a contract role (there is one for each). */
    public static Role of(ProjectRole role) {
        for (Role r : values()) {
            if (r.contract == role) {
                return r;
            }
        }
        throw new IllegalStateException("no registry role for " + role);
    }

    private static Capability capability(Action action) {
        return switch (action) {
            case PULL -> Capability.PULL;
            case PUSH -> Capability.PUSH;
            case DELETE -> Capability.DELETE;
        };
    }
}
