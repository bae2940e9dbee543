package io.wharf.registry.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.wharf.reference.RepositoryNames;

/**
 * Creating accounts: each gets a personal project of its own name (as on Docker Hub) where it is
 * project admin. The system administrator is created at first start from
 * {@code wharf.auth.admin.*}; an existing account is never changed by that configuration.
 */
@ApplicationScoped
public class Accounts {
    private static final Logger LOG = Logger.getLogger(Accounts.class);

    /**
     * Whether a name can be an account's or a project's (an account's personal project has its name):
     * {@link RepositoryNames#isValidProject(String)}, the one project-name rule.
     */
    public static boolean validName(String name) {
        return RepositoryNames.isValidProject(name);
    }

    /** Why an account could not be created. */
    public static class Conflict extends RuntimeException {
        public Conflict(String message) {
            super(message, null, false, false);
        }
    }

    private final Identities identities;
    private final AuthConfig config;
    private final Vertx vertx;
    private final AccessPolicy policy;

    public Accounts(Identities identities, AuthConfig config, Vertx vertx, AccessPolicy policy) {
        this.identities = identities;
        this.config = config;
        this.vertx = vertx;
        this.policy = policy;
    }

    void bootstrap(@Observes StartupEvent start) {
        String username = config.admin().username();
        if (config.admin().password().isEmpty() || config.admin().password().get().isBlank()) {
            LOG.warnf("wharf.auth.admin.password (WHARF_ADMIN_PASSWORD) is not set: no system administrator is created");
            return;
        }
        Identities.Account existing = identities.account(username).await().indefinitely();
        if (existing == null) {
            create(username, config.admin().password().get(), null, true).await().indefinitely();
            LOG.infof("created the system administrator '%s'", username);
        }
    }

    /** Creates an account and its personal project; fails with {@link Conflict} when the name is taken. */
    public Uni<Identities.Account> create(String username, String password, String email, boolean systemAdmin) {
        if (!validName(username)) {
            return Uni.createFrom().failure(new IllegalArgumentException(
                    "username must be 2-64 characters of lowercase letters, digits and separators (. _ -), like a repository path component"));
        }
        if (password == null || password.length() < 8) {
            return Uni.createFrom().failure(new IllegalArgumentException("password must have at least 8 characters"));
        }
        return vertx.executeBlocking(Uni.createFrom().item(() -> Secrets.hashPassword(password, config.bcryptCost())), false)
                .chain(hash -> identities.pool().withTransaction(db -> identities.account(username).chain(a -> {
                    if (a != null) {
                        return Uni.createFrom().failure(new Conflict("user " + username + " exists"));
                    }
                    return identities.insertProject(db, username, false).chain(project -> {
                        if (project == null) {
                            return Uni.createFrom().failure(new Conflict("a project named " + username + " exists: choose another username"));
                        }
                        return identities.insertAccount(db, username, email, hash, systemAdmin)
                                .call(account -> identities.putMember(db, project.id(), account.id(), Role.PROJECT_ADMIN));
                    });
                }))).invoke(policy::changed);
    }

    /** Sets a new password; refresh tokens issued before stop working. */
    public Uni<Boolean> changePassword(String username, String password) {
        if (password == null || password.length() < 8) {
            return Uni.createFrom().failure(new IllegalArgumentException("password must have at least 8 characters"));
        }
        return vertx.executeBlocking(Uni.createFrom().item(() -> Secrets.hashPassword(password, config.bcryptCost())), false)
                .chain(hash -> identities.setPassword(username, hash));
    }
}
