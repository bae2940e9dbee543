package io.wharf.access;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The five project roles, with Harbor's names and meaning. What each may do:
 * <pre>
 * role           pull push delete  manage project  manage automation  read project
 *                                  (members,       (subscriptions,    (members, events,
 *                                  robots, vis.)   rules, README)     rules, deployments)
 * projectAdmin    x    x     x          x                 x                  x
 * maintainer      x    x     x                            x                  x
 * developer       x    x                                                     x
 * guest           x                                                          x
 * limitedGuest    x
 * </pre>
 * A limited guest pulls but sees nothing else of the project. A system admin may do everything in
 * every project, whatever its role (see {@link Access}).
 */
public enum ProjectRole {
    PROJECT_ADMIN("projectAdmin", EnumSet.allOf(Capability.class)),
    MAINTAINER("maintainer", EnumSet.of(Capability.PULL, Capability.PUSH, Capability.DELETE,
            Capability.MANAGE_AUTOMATION, Capability.READ_PROJECT)),
    DEVELOPER("developer", EnumSet.of(Capability.PULL, Capability.PUSH, Capability.READ_PROJECT)),
    GUEST("guest", EnumSet.of(Capability.PULL, Capability.READ_PROJECT)),
    LIMITED_GUEST("limitedGuest", EnumSet.of(Capability.PULL));

    /** Every wire name, in declaration order, for texts that list them (compile-time constant). */
    public static final String WIRE_NAMES = "projectAdmin, maintainer, developer, guest, limitedGuest";

    private final String wireName;
    private final Set<Capability> capabilities;

    ProjectRole(String wireName, Set<Capability> capabilities) {
        this.wireName = wireName;
        this.capabilities = Collections.unmodifiableSet(capabilities);
    }

    /** The name used in the management API, the database and the {@value ApiToken#PROJECTS_CLAIM} claim. */
    public String wireName() {
        return wireName;
    }

    /** Everything this role may do in its project (unmodifiable). */
    public Set<Capability> capabilities() {
        return capabilities;
    }

    public boolean may(Capability capability) {
        return capabilities.contains(capability);
    }

    /** The role of this wire name, or empty (a token naming an unknown role grants nothing). */
    public static Optional<ProjectRole> ofWire(String name) {
        for (ProjectRole r : values()) {
            if (r.wireName.equals(name)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /**
     * The role of this wire name.
     *
     * @throws IllegalArgumentException naming the wire names there are, a message fit for the user who sent it
     */
    public static ProjectRole fromWire(String name) {
        return ofWire(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown role '" + name + "': expected " + choices()));
    }

    /** {@code projectAdmin, maintainer, developer, guest or limitedGuest}. */
    private static String choices() {
        String all = Arrays.stream(values()).map(ProjectRole::wireName).collect(Collectors.joining(", "));
        int last = all.lastIndexOf(", ");
        return all.substring(0, last) + " or " + all.substring(last + 2);
    }
}
