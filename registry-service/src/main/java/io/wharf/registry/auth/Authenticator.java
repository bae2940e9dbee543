package io.wharf.registry.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jwt.JWTClaimsSet;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.wharf.events.AuditEventData;
import io.wharf.events.AuditEventData.Actions;
import io.wharf.registry.audit.AuditLog;

/**
 * Checks credentials: passwords (bcrypt, on a worker thread), personal access tokens and robot
 * secrets (SHA-256), refresh tokens and API tokens (signature), and whether what a token was made
 * with still holds. A successful Basic check is remembered for {@code wharf.auth.credential-cache-ttl}
 * keyed by a hash of the credentials, so clients that send Basic on every request cost one bcrypt
 * per minute, not one per request; so is the check of a registry access token's binding.
 * Whoever revokes credentials calls {@link #forgetAll()} once the revocation has committed.
 * Every check of credentials not remembered is written to the audit log ({@code sign-in.succeeded}
 * or {@code sign-in.failed}); a remembered one is not, so a client sending Basic on every request
 * leaves one entry per {@code credential-cache-ttl}, not one per request.
 */
@ApplicationScoped
public class Authenticator {

    /** A checked identity and what its credentials were (tokens minted for it carry that). */
    public record Authenticated(Principal principal, Binding binding) {
    }

    public static final String PAT_PREFIX = "wharf_pat_";
    public static final String ROBOT_SECRET_PREFIX = "wharf_rbt_";

    private final Identities identities;
    private final Tokens tokens;
    private final Vertx vertx;
    private final SignInThrottle throttle;
    private final AuditLog audit;
    private final Cache<String, Authenticated> checked;
    /** Whether the credentials a registry access token was made with still held, by binding ({@link #stillBound}). */
    private final Cache<String, Boolean> bindings;
    /** Bumped by {@link #forgetAll()}: a check that was under way then is not remembered. */
    private final AtomicLong generation = new AtomicLong();
    private volatile Runnable onForget;

    public Authenticator(Identities identities, Tokens tokens, Vertx vertx, SignInThrottle throttle, AuthConfig config, AuditLog audit) {
        this.audit = audit;
        this.identities = identities;
        this.tokens = tokens;
        this.vertx = vertx;
        this.throttle = throttle;
        this.checked = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(config.credentialCacheTtl()).build();
        this.bindings = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(config.credentialCacheTtl()).build();
    }

    /** Username and password of a {@code Basic} header, or null when it is not a usable one. */
    public static String[] parseBasic(String header) {
        if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0 || colon == decoded.length() - 1) {
            return null; // includes containers/image's "Basic Og==" after logout
        }
        return new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    /**
     * The identity these credentials prove, or null. Credentials not remembered from an earlier check
     * pass {@link SignInThrottle} first: when the account or {@code address} has failed too often, the
     * item is a {@link SignInThrottled} failure and nothing is checked.
     */
    public Uni<Authenticated> password(String username, String secret, String address) {
        String key = Secrets.sha256(username + "\u0000" + secret);
        Authenticated known = checked.getIfPresent(key);
        if (known != null && !known.binding().expired(Instant.now())) {
            return Uni.createFrom().item(known);
        }
        long seen = generation.get();
        return throttle.wait(username, address).chain(wait -> {
            if (wait != null) {
                return Uni.createFrom().<Authenticated>failure(new SignInThrottled(wait));
            }
            Uni<Authenticated> check = RobotNames.isRobot(username) ? robot(username, secret)
                    : secret.startsWith(PAT_PREFIX) ? personalToken(username, secret)
                    : account(username, secret);
            return check.call(a -> audit.record(signIn(username, secret, address, a)))
                    .call(a -> a == null ? throttle.failed(username, address) : throttle.succeeded(username));
        }).invoke(a -> {
            if (a != null) {
                checked.put(key, a);
                if (generation.get() != seen) {
                    checked.invalidate(key); // read before a revocation: answer it once, never remember it
                }
            }
        });
    }

    /** The audit entry of a checked sign-in: who it proved, or the name tried; never the secret. */
    private static AuditEventData signIn(String username, String secret, String address, Authenticated a) {
        String credential = RobotNames.isRobot(username) ? "robot-secret" : secret.startsWith(PAT_PREFIX) ? "personal-access-token" : "password";
        AuditEventData.Builder entry = AuditLog.entry(a == null ? Actions.SIGN_IN_FAILED : Actions.SIGN_IN_SUCCEEDED)
                .subject(username).summary("method", credential);
        if (address != null) {
            entry.address(address);
        }
        String[] robot = RobotNames.parse(username);
        if (robot != null) {
            entry.project(robot[0]);
        }
        if (a == null) {
            return entry.outcome(AuditEventData.Outcome.FAILURE).build();
        }
        Principal p = a.principal();
        return entry.actor(p.robot() ? AuditEventData.ActorKind.ROBOT : AuditEventData.ActorKind.USER, p.name())
                .role(p.systemAdmin() ? AuditLog.SYSTEM_ADMIN : null).build();
    }

    /** The identity a refresh token names, if the token is valid and what it was made with still holds. */
    public Uni<Authenticated> refresh(String refreshToken) {
        try {
            return bound(tokens.verify(refreshToken, tokens.refreshAudience()));
        } catch (InvalidTokenException e) {
            return Uni.createFrom().nullItem();
        }
    }

    /**
     * Whether the credentials a registry access token was made with still hold ({@link #bound}): the
     * database is asked once per binding (so once for all the tokens one {@code docker login} gets),
     * and the answer remembered like checked Basic credentials, until the next revocation anywhere
     * ({@link #forgetAll()}) or {@code wharf.auth.credential-cache-ttl}. Anonymous tokens are bound to nothing.
     */
    public Uni<Boolean> stillBound(AccessToken token) {
        if (token.principal().anonymous()) {
            return Uni.createFrom().item(true);
        }
        JWTClaimsSet claims = token.claims();
        String key = token.principal().kind() + "\u0000" + token.principal().accountId() + "\u0000" + token.principal().name()
                + "\u0000" + claims.getClaim(Tokens.TOKEN_VERSION_CLAIM) + "\u0000" + claims.getClaim(Tokens.PERSONAL_TOKEN_CLAIM)
                + "\u0000" + claims.getClaim(Tokens.ROBOT_SECRET_CLAIM);
        Boolean known = bindings.getIfPresent(key);
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        long seen = generation.get();
        return bound(claims).map(a -> a != null).invoke(holds -> {
            bindings.put(key, holds);
            if (generation.get() != seen) {
                bindings.invalidate(key); // read before a revocation: answer it once, never remember it
            }
        });
    }

    /**
     * The caller a verified refresh or API token names, as the database has it now, if the
     * credentials the token was made with still hold ({@link Binding}: the same account at the same
     * token version, the personal access token still there and unexpired, the robot enabled,
     * unexpired and with the same secret); null otherwise.
     */
    public Uni<Authenticated> bound(JWTClaimsSet claims) {
        Principal claimed;
        Object tv;
        Long pat;
        String robotSecret;
        try {
            claimed = Tokens.principalOf(claims);
            tv = claims.getClaim(Tokens.TOKEN_VERSION_CLAIM);
            pat = claims.getLongClaim(Tokens.PERSONAL_TOKEN_CLAIM);
            robotSecret = claims.getStringClaim(Tokens.ROBOT_SECRET_CLAIM);
        } catch (InvalidTokenException | java.text.ParseException e) {
            return Uni.createFrom().nullItem();
        }
        if (claimed.robot()) {
            String[] parts = RobotNames.parse(claimed.name());
            if (parts == null || robotSecret == null) {
                return Uni.createFrom().nullItem();
            }
            return identities.robot(parts[0], parts[1]).chain(r -> {
                if (!usable(r) || r.id() != claimed.accountId()) {
                    return Uni.createFrom().nullItem();
                }
                return identities.robotSecretHash(r.id()).map(hash -> robotSecret.equals(Binding.fingerprint(hash)) ? robot(r, hash) : null);
            });
        }
        if (!claimed.user() || !(tv instanceof Number version)) {
            return Uni.createFrom().nullItem();
        }
        return identities.account(claimed.name()).chain(a -> {
            if (a == null || a.id() != claimed.accountId() || version.intValue() != a.tokenVersion()) {
                return Uni.createFrom().nullItem();
            }
            if (pat == null) {
                return Uni.createFrom().item(user(a, null));
            }
            return identities.personalTokenById(pat).map(t -> t == null || t.accountId() != a.id() || t.expired(Instant.now()) ? null : user(a, t));
        });
    }

    /**
     * Forgets remembered credentials, here and on every other instance ({@link CredentialRevocations}).
     * Call it after a password change, or a deletion or rotation of a robot, a token or an account has
     * committed: from then on the next request checks the database, and a check that read the old state
     * before the commit is not remembered.
     */
    public void forgetAll() {
        forgetLocally();
        Runnable announce = onForget;
        if (announce != null) {
            announce.run();
        }
    }

    /** Forgets the credentials this instance remembers (another instance announced a revocation). */
    void forgetLocally() {
        generation.incrementAndGet();
        checked.invalidateAll();
        bindings.invalidateAll();
    }

    /** What {@link #forgetAll()} also does: tell the other instances. */
    void onForget(Runnable announce) {
        this.onForget = announce;
    }

    private Uni<Authenticated> account(String username, String password) {
        return identities.account(username).chain(a -> {
            if (a == null) {
                return Uni.createFrom().nullItem();
            }
            return vertx.executeBlocking(Uni.createFrom().item(() -> Secrets.passwordMatches(password, a.passwordHash())), false)
                    .map(ok -> ok ? user(a, null) : null);
        });
    }

    private Uni<Authenticated> personalToken(String username, String secret) {
        return identities.personalToken(Secrets.sha256(secret)).chain(t -> {
            if (t == null || t.expired(Instant.now())) {
                return Uni.createFrom().nullItem();
            }
            return identities.account(username).map(a -> a == null || a.id() != t.accountId() ? null : user(a, t));
        });
    }

    private Uni<Authenticated> robot(String username, String secret) {
        String[] parts = RobotNames.parse(username);
        if (parts == null) {
            return Uni.createFrom().nullItem();
        }
        return identities.robot(parts[0], parts[1]).chain(r -> {
            if (!usable(r)) {
                return Uni.createFrom().nullItem();
            }
            return identities.robotSecretHash(r.id()).map(hash -> hash != null && MessageDigest.isEqual(
                    hash.getBytes(StandardCharsets.US_ASCII), Secrets.sha256(secret).getBytes(StandardCharsets.US_ASCII)) ? robot(r, hash) : null);
        });
    }

    private static Authenticated user(Identities.Account a, Identities.PersonalToken t) {
        return new Authenticated(Principal.user(a.id(), a.username(), a.systemAdmin()),
                t == null ? new Binding(a.tokenVersion(), null, null, null, null)
                        : new Binding(a.tokenVersion(), t.id(), null, t.expiresAt(), t.scopes()));
    }

    private static Authenticated robot(Identities.Robot r, String secretHash) {
        return new Authenticated(Principal.robot(r.id(), r.fullName(), r.project(), r.permissions(), r.expiresAt()),
                new Binding(0, null, Binding.fingerprint(secretHash), r.expiresAt(), null));
    }

    /** A robot that exists, is enabled and has not expired. */
    private static boolean usable(Identities.Robot r) {
        return r != null && !r.disabled() && !r.expired(Instant.now());
    }

}
