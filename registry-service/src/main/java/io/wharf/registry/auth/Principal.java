package io.wharf.registry.auth;

import java.time.Instant;
import java.util.Set;

import io.wharf.events.RegistryEventData;

/**
 * Who is calling.
 *
 * @param kind          user, robot or anonymous
 * @param name          account name ({@code robot$project+name} for robots), null when anonymous
 * @param accountId     the account's id (users), the robot's id (robots), else 0
 * @param systemAdmin   a system administrator (users only)
 * @param robotProject  the project a robot belongs to (robots only)
 * @param robotActions  what a robot may do in its project (robots only)
 * @param expiresAt     when a robot stops working (null: never)
 */
public record Principal(RegistryEventData.ActorKind kind, String name, long accountId, boolean systemAdmin,
        String robotProject, Set<Action> robotActions, Instant expiresAt) {

    public static final Principal ANONYMOUS = new Principal(RegistryEventData.ActorKind.ANONYMOUS, null, 0, false, null, Set.of(), null);

    public static Principal user(long id, String name, boolean systemAdmin) {
        return new Principal(RegistryEventData.ActorKind.USER, name, id, systemAdmin, null, Set.of(), null);
    }

    public static Principal robot(long id, String name, String project, Set<Action> actions, Instant expiresAt) {
        return new Principal(RegistryEventData.ActorKind.ROBOT, name, id, false, project, Set.copyOf(actions), expiresAt);
    }

    public boolean anonymous() {
        return kind == RegistryEventData.ActorKind.ANONYMOUS;
    }

    public boolean robot() {
        return kind == RegistryEventData.ActorKind.ROBOT;
    }

    public boolean user() {
        return kind == RegistryEventData.ActorKind.USER;
    }

    public RegistryEventData.Actor actor() {
        return switch (kind) {
            case USER -> RegistryEventData.Actor.user(name);
            case ROBOT -> RegistryEventData.Actor.robot(name);
            case ANONYMOUS -> RegistryEventData.Actor.anonymous();
        };
    }
}
