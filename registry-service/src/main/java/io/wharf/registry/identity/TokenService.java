package io.wharf.registry.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.wharf.events.AuditEventData.Actions;
import io.wharf.registry.auth.AccessPolicy;
import io.wharf.registry.auth.Authenticator;
import io.wharf.registry.auth.Identities;
import io.wharf.registry.auth.Principal;
import io.wharf.registry.auth.Secrets;
import io.wharf.registry.auth.TokenScope;
import io.wharf.registry.auth.Tokens;

/**
 * A user's personal access tokens (used as the password with {@code docker login}), and management
 * API tokens for any signed-in caller. A personal token's secret is made here, stored only as a
 * hash and returned once; a deleted token stops working as soon as the deletion has committed.
 */
@ApplicationScoped
public class TokenService {

    /** A personal access token with its secret: the only time the secret is known. */
    public record TokenWithSecret(Identities.PersonalToken token, String secret) {
    }

    /** A signed management API token and how long it lives. */
    public record ApiToken(String token, Duration ttl) {
    }

    private final CallerAccess access;
    private final Identities identities;
    private final AccessPolicy policy;
    private final Tokens tokens;
    private final Authenticator authenticator;
    private final Pool pool;
    private final AuditTrail audit;

    public TokenService(CallerAccess access, Identities identities, AccessPolicy policy, Tokens tokens, Authenticator authenticator, Pool pool,
            AuditTrail audit) {
        this.audit = audit;
        this.access = access;
        this.identities = identities;
        this.policy = policy;
        this.tokens = tokens;
        this.authenticator = authenticator;
        this.pool = pool;
    }

    /** An API token for the caller (user or robot), naming its current project roles. */
    public Uni<ApiToken> apiToken() {
        Principal p = access.signedIn();
        return policy.roles(p).map(roles -> new ApiToken(tokens.issueApi(p, roles, access.binding()), tokens.apiTtl(access.binding())))
                .call(issued -> audit.by(p, Actions.TOKEN_ISSUED, null).chain(entry -> audit.record(entry.subject(p.name())
                        .summary("kind", "api").summary("ttlSeconds", issued.ttl().toSeconds())
                        .summary("via", access.binding().personalToken() ? "personal-access-token" : "credentials"))));
    }

    public Uni<List<Identities.PersonalToken>> list() {
        Principal p = access.user();
        return identities.personalTokens(p.accountId());
    }

    /**
     * Creates a personal access token expiring in {@code expiresInDays} (absent or 0: never) with
     * these scopes (absent or empty: {@link TokenScope#DEFAULT}); only with the account's password.
     */
    public Uni<TokenWithSecret> create(String name, Integer expiresInDays, List<String> scopes) {
        Principal p = access.userWithPassword();
        Set<TokenScope> granted;
        try {
            granted = scopes == null || scopes.isEmpty() ? TokenScope.DEFAULT
                    : scopes.stream().map(TokenScope::fromWire).collect(Collectors.toUnmodifiableSet());
        } catch (IllegalArgumentException e) {
            throw RequestRefused.invalid(e.getMessage());
        }
        Instant expires = expiresInDays == null || expiresInDays == 0 ? null : Instant.now().plus(Duration.ofDays(expiresInDays));
        String secret = Secrets.newToken(Authenticator.PAT_PREFIX);
        return audit.by(p, Actions.PAT_CREATED, null).chain(entry -> pool.withTransaction(db -> identities
                .insertPersonalToken(db, p.accountId(), name, expires, Secrets.sha256(secret), granted)
                .call(t -> t == null ? Uni.createFrom().voidItem() : audit.record(db, entry.subject(name)
                        .summary("scopes", String.join(",", TokenScope.names(granted))).summary("expiresAt", expires)))
                .map(t -> {
                    if (t == null) {
                        throw RequestRefused.conflict("a token named " + name + " exists");
                    }
                    return new TokenWithSecret(t, secret);
                })));
    }

    public Uni<Void> delete(String name) {
        Principal p = access.user();
        return audit.by(p, Actions.PAT_DELETED, null).chain(entry -> pool.withTransaction(db -> identities.deletePersonalToken(db, p.accountId(), name)
                .call(deleted -> deleted ? audit.record(db, entry.subject(name)) : Uni.createFrom().voidItem()))).map(deleted -> {
            if (!deleted) {
                throw RequestRefused.notFound("token " + name);
            }
            return null;
        }).invoke(authenticator::forgetAll).replaceWithVoid();
    }
}
