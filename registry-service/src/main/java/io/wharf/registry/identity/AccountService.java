package io.wharf.registry.identity;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.wharf.events.AuditEventData;
import io.wharf.events.AuditEventData.Actions;
import io.wharf.registry.auth.AccessPolicy;
import io.wharf.registry.auth.AuthConfig;
import io.wharf.registry.auth.Authenticator;
import io.wharf.registry.auth.Identities;
import io.wharf.registry.auth.Principal;
import io.wharf.registry.auth.Role;
import io.wharf.registry.auth.Secrets;
import io.wharf.registry.auth.SignInThrottle;

/**
 * Accounts and their passwords. Each account gets a personal project of its own name (as on Docker
 * Hub) where it is project admin, in the same transaction. The system administrator is created at
 * first start from {@code wharf.auth.admin.*}; an existing account is never changed by that
 * configuration. A password change or a deletion applies to remembered credentials once it has
 * committed; refresh tokens issued before a password change stop working.
 */
@ApplicationScoped
public class AccountService {
    private static final Logger LOG = Logger.getLogger(AccountService.class);

    /** The caller and its role in each project it is a member of. */
    public record CallerRoles(Principal principal, Map<String, Role> roles) {
    }

    private final CallerAccess access;
    private final Identities identities;
    private final AccessPolicy policy;
    private final Authenticator authenticator;
    private final AuthConfig config;
    private final Vertx vertx;
    private final Pool pool;
    private final SignInThrottle throttle;
    private final AuditTrail audit;

    public AccountService(CallerAccess access, Identities identities, AccessPolicy policy, Authenticator authenticator, AuthConfig config,
            Vertx vertx, Pool pool, SignInThrottle throttle, AuditTrail audit) {
        this.audit = audit;
        this.access = access;
        this.identities = identities;
        this.policy = policy;
        this.authenticator = authenticator;
        this.config = config;
        this.vertx = vertx;
        this.pool = pool;
        this.throttle = throttle;
    }

    void bootstrap(@Observes StartupEvent start) {
        String username = config.admin().username();
        if (config.admin().password().isEmpty() || config.admin().password().get().isBlank()) {
            LOG.warnf("wharf.auth.admin.password (WHARF_ADMIN_PASSWORD) is not set: no system administrator is created");
            return;
        }
        if (config.admin().password().get().length() < Secrets.MIN_PASSWORD_LENGTH) {
            throw new IllegalStateException("wharf.auth.admin.password (WHARF_ADMIN_PASSWORD) must have at least "
                    + Secrets.MIN_PASSWORD_LENGTH + " characters");
        }
        if (createSystemAdmin(username, config.admin().password().get()).await().indefinitely()) {
            LOG.infof("created the system administrator '%s'", username);
        }
    }

    /**
     * Creates a system administrator unless the account exists; true when this call made it. Instances
     * starting together may each try: the one whose insert loses finds the account made and goes on.
     */
    Uni<Boolean> createSystemAdmin(String username, String password) {
        AuditEventData.Builder entry = io.wharf.registry.audit.AuditLog.entry(Actions.ACCOUNT_CREATED)
                .actor(AuditEventData.ActorKind.SYSTEM, null).summary("bootstrap", true);
        return identities.account(username).chain(existing -> existing != null ? Uni.createFrom().item(false)
                : insert(username, password, null, true, entry).replaceWith(true)
                        .onFailure().recoverWithUni(lost -> identities.account(username).chain(made -> made != null
                                ? Uni.createFrom().item(false) : Uni.createFrom().failure(lost))));
    }

    /** The signed-in caller (user or robot) with its project roles. */
    public Uni<CallerRoles> me() {
        Principal p = access.signedIn();
        return policy.roles(p).map(roles -> new CallerRoles(p, roles));
    }

    /** Every account (system admins). */
    public Uni<List<Identities.Account>> list() {
        access.admin();
        return identities.accounts();
    }

    /** Creates an account and its personal project (system admins). */
    public Uni<Identities.Account> create(String username, String password, String email, boolean systemAdmin) {
        Principal p = access.admin();
        return audit.by(p, Actions.ACCOUNT_CREATED, null)
                .chain(entry -> insert(username, password, email, systemAdmin, entry));
    }

    /**
     * Sets a password (the account itself, with its current password and not through an access token,
     * or a system admin for another account); every session and token made with the old one stops working.
     */
    public Uni<Void> changePassword(String username, String password, String currentPassword) {
        Principal p = access.user();
        boolean own = p.name().equals(username);
        if (!p.systemAdmin() && !own) {
            throw RequestRefused.denied();
        }
        Uni<Void> proven = Uni.createFrom().voidItem();
        if (own) {
            access.userWithPassword();
            if (currentPassword == null || currentPassword.isEmpty()) {
                throw RequestRefused.invalid("currentPassword is required to change your own password");
            }
            proven = identities.account(username).chain(a -> a == null ? Uni.createFrom().item(false)
                    : vertx.executeBlocking(Uni.createFrom().item(() -> Secrets.passwordMatches(currentPassword, a.passwordHash())), false))
                    .call(right -> right ? Uni.createFrom().voidItem() : audit.by(p, Actions.SIGN_IN_FAILED, null)
                            .chain(entry -> audit.record(entry.outcome(AuditEventData.Outcome.FAILURE).subject(username)
                                    .summary("method", "current-password")))
                            .chain(() -> throttle.failed(username, null)))
                    .map(right -> {
                        if (!right) {
                            throw RequestRefused.denied("currentPassword is not your current password");
                        }
                        return null;
                    });
        }
        return proven.chain(() -> audit.by(p, Actions.ACCOUNT_PASSWORD_CHANGED, null)).chain(entry -> hash(password)
                        .chain(hash -> pool.withTransaction(db -> identities.setPassword(db, username, hash)
                                .call(changed -> changed ? audit.record(db, entry.subject(username).summary("own", own)) : Uni.createFrom().voidItem()))))
                .map(changed -> {
                    if (!changed) {
                        throw RequestRefused.notFound("user " + username);
                    }
                    return null;
                })
                .invoke(authenticator::forgetAll)
                .replaceWithVoid();
    }

    /** Clears an account's failed sign-ins so it may sign in at once (system admins); false when there were none. */
    public Uni<Boolean> unlock(String username) {
        Principal p = access.admin();
        return throttle.unlock(username).call(had -> audit.by(p, Actions.ACCOUNT_UNLOCKED, null)
                .chain(entry -> audit.record(entry.subject(username).summary("hadFailures", had))));
    }

    /** Deletes an account (system admins, not their own); its personal project stays. */
    public Uni<Void> delete(String username) {
        Principal p = access.admin();
        if (p.name().equals(username)) {
            throw RequestRefused.conflict("you cannot delete your own account");
        }
        return audit.by(p, Actions.ACCOUNT_DELETED, null).chain(entry -> pool.withTransaction(db -> identities.deleteAccount(db, username)
                .call(deleted -> deleted ? audit.record(db, entry.subject(username)) : Uni.createFrom().voidItem()))).map(deleted -> {
            if (!deleted) {
                throw RequestRefused.notFound("user " + username);
            }
            return null;
        }).invoke(() -> {
            authenticator.forgetAll();
            policy.changed();
        }).replaceWithVoid();
    }

    private Uni<Identities.Account> insert(String username, String password, String email, boolean systemAdmin, AuditEventData.Builder entry) {
        RequestRefused.unlessProjectName(username);
        return hash(password).chain(hash -> pool.withTransaction(db -> identities.account(db, username).chain(a -> {
            if (a != null) {
                throw RequestRefused.conflict("user " + username + " exists");
            }
            return identities.insertProject(db, username, false).chain(project -> {
                if (project == null) {
                    throw RequestRefused.conflict("a project named " + username + " exists: choose another username");
                }
                return identities.insertAccount(db, username, email, hash, systemAdmin)
                        .call(account -> identities.putMember(db, project.id(), account.id(), Role.PROJECT_ADMIN))
                        .call(() -> audit.record(db, entry.subject(username).summary("systemAdmin", systemAdmin)));
            });
        }))).invoke(policy::changed);
    }

    /** bcrypt, on a worker thread: it is slow on purpose. */
    private Uni<String> hash(String password) {
        return vertx.executeBlocking(Uni.createFrom().item(() -> Secrets.hashPassword(password, config.bcryptCost())), false);
    }
}
