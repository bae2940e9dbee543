package io.wharf.registry.auth;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import io.wharf.access.ApiToken;
import io.wharf.events.RegistryEventData.ActorKind;

/**
 * Signs and verifies the three kinds of token this registry issues, told apart by audience:
 * <ul>
 * <li>access tokens (audience = the service), holding exactly the granted repository access and,
 * like the two others, what the caller's credentials were ({@link Binding});</li>
 * <li>refresh tokens ({@code <issuer>-refresh}), what {@code docker login} keeps instead of the
 * password; they name the account and its token version, so a password change retires them;</li>
 * <li>API tokens ({@link ApiToken#AUDIENCE}), for the management APIs of all three services, with
 * the claims {@link ApiToken} names: the admin group for administrators and each project's role.</li>
 * </ul>
 * RS256 with the key of {@link SigningKeys}, loaded (or created) at start so the public key file
 * is there for the other services. Verified access tokens are cached by their text, so a
 * request costs one map lookup, not an RSA verification.
 */
@Startup
@ApplicationScoped
public class Tokens {

    /** The API token's audience, {@link ApiToken#AUDIENCE}. */
    public static final String API_AUDIENCE = ApiToken.AUDIENCE;
    /** The account's token version when the token was made (bumped by a password change). */
    static final String TOKEN_VERSION_CLAIM = "tv";
    /** The id of the personal access token a token was made with. */
    static final String PERSONAL_TOKEN_CLAIM = "pat";
    /** The fingerprint of the robot secret a token was made with. */
    static final String ROBOT_SECRET_CLAIM = "rsf";
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    private final AuthConfig config;
    private RSASSASigner signer;
    private RSASSAVerifier verifier;
    private String keyId;
    private final Cache<String, AccessToken> verified = Caffeine.newBuilder().maximumSize(100_000).build();

    public Tokens(AuthConfig config) {
        this.config = config;
    }

    @PostConstruct
    void loadKey() {
        KeyPair pair = SigningKeys.loadOrCreate(Path.of(config.signingKey()));
        RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
        signer = new RSASSASigner((RSAPrivateKey) pair.getPrivate());
        verifier = new RSASSAVerifier(pub);
        try {
            keyId = new RSAKey.Builder(pub).build().computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public String refreshAudience() {
        return config.issuer() + "-refresh";
    }

    /**
     * An access token for exactly these grants, bound to the caller's credentials (anonymous callers
     * have none) and living no longer than they do.
     */
    public String issueAccess(Principal principal, List<Grant> grants, Binding binding) {
        List<Object> access = new ArrayList<>();
        for (Grant g : grants) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", g.type());
            entry.put("name", g.name());
            entry.put("actions", g.isCatalog() ? List.of("*") : actionNames(g.actions()));
            access.add(entry);
        }
        JWTClaimsSet.Builder claims = base(principal, config.service(), accessTtl(binding)).claim("access", access);
        return sign((principal.anonymous() ? claims : bind(claims, binding)).build());
    }

    /** A refresh token for an account (user or robot), bound to its credentials; it lives no longer than they do. */
    public String issueRefresh(Principal principal, Binding binding) {
        return sign(bind(base(principal, refreshAudience(), lifetime(config.refreshTokenTtl(), binding)), binding).build());
    }

    /**
     * A management API token: who, whether a system admin, and the caller's role in each project;
     * bound to the caller's credentials, and living no longer than they do.
     */
    public String issueApi(Principal principal, Map<String, Role> projects, Binding binding) {
        Map<String, Object> roles = new LinkedHashMap<>();
        projects.forEach((project, role) -> roles.put(project, role.wireName()));
        JWTClaimsSet.Builder claims = bind(base(principal, API_AUDIENCE, lifetime(config.apiTokenTtl(), binding)), binding)
                .claim(ApiToken.GROUPS_CLAIM, principal.systemAdmin() ? List.of(ApiToken.ADMIN_GROUP) : List.of())
                .claim(ApiToken.PROJECTS_CLAIM, roles);
        return sign(claims.build());
    }

    /** How long an access token for a caller with these credentials lives: the configured lifetime, or less when they expire first. */
    public Duration accessTtl(Binding binding) {
        return lifetime(config.tokenTtl(), binding);
    }

    /** How long an API token for a caller with these credentials lives: the configured lifetime, or less when they expire first. */
    public Duration apiTtl(Binding binding) {
        return lifetime(config.apiTokenTtl(), binding);
    }

    /** Verifies an access token for this service. */
    public AccessToken verifyAccess(String token) throws InvalidTokenException {
        AccessToken cached = verified.getIfPresent(token);
        if (cached != null) {
            if (Instant.now().isAfter(cached.expiresAt().plus(CLOCK_SKEW))) {
                verified.invalidate(token);
                throw new InvalidTokenException("token expired");
            }
            return cached;
        }
        JWTClaimsSet claims = verify(token, config.service());
        AccessToken access = new AccessToken(principalOf(claims), accessOf(claims), catalogOf(claims), claims.getExpirationTime().toInstant(), claims);
        verified.put(token, access);
        return access;
    }

    /** Verifies a token of the given audience and returns its claims. */
    public JWTClaimsSet verify(String token, String audience) throws InvalidTokenException {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            throw new InvalidTokenException("malformed token");
        }
        if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
            throw new InvalidTokenException("unexpected signing algorithm");
        }
        try {
            if (!jwt.verify(verifier)) {
                throw new InvalidTokenException("bad signature");
            }
        } catch (JOSEException e) {
            throw new InvalidTokenException("bad signature");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidTokenException("malformed claims");
        }
        Instant now = Instant.now();
        if (!config.issuer().equals(claims.getIssuer())) {
            throw new InvalidTokenException("wrong issuer");
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(audience)) {
            throw new InvalidTokenException("wrong audience");
        }
        if (claims.getExpirationTime() == null || now.isAfter(claims.getExpirationTime().toInstant().plus(CLOCK_SKEW))) {
            throw new InvalidTokenException("token expired");
        }
        if (claims.getNotBeforeTime() != null && now.plus(CLOCK_SKEW).isBefore(claims.getNotBeforeTime().toInstant())) {
            throw new InvalidTokenException("token not valid yet");
        }
        return claims;
    }

    /** The principal a verified token names (robots keep their project and actions). */
    public static Principal principalOf(JWTClaimsSet claims) throws InvalidTokenException {
        try {
            String kind = claims.getStringClaim("kind");
            String sub = claims.getSubject();
            Long id = claims.getLongClaim("uid");
            long uid = id == null ? 0 : id;
            if (ActorKind.USER.name().equals(kind)) {
                List<String> groups = claims.getStringListClaim(ApiToken.GROUPS_CLAIM);
                Boolean admin = claims.getBooleanClaim("adm");
                return Principal.user(uid, sub, Boolean.TRUE.equals(admin) || (groups != null && groups.contains(ApiToken.ADMIN_GROUP)));
            }
            if (ActorKind.ROBOT.name().equals(kind)) {
                return Principal.robot(uid, sub, claims.getStringClaim("rp"), Action.parseList(String.join(",", orEmpty(claims.getStringListClaim("ra")))), null);
            }
            return Principal.ANONYMOUS;
        } catch (ParseException e) {
            throw new InvalidTokenException("malformed claims");
        }
    }

    /** The claims that name what a token was made with ({@link Binding}). */
    private static JWTClaimsSet.Builder bind(JWTClaimsSet.Builder b, Binding binding) {
        b.claim(TOKEN_VERSION_CLAIM, binding.tokenVersion());
        if (binding.personalTokenId() != null) {
            b.claim(PERSONAL_TOKEN_CLAIM, binding.personalTokenId());
        }
        if (binding.robotSecret() != null) {
            b.claim(ROBOT_SECRET_CLAIM, binding.robotSecret());
        }
        return b;
    }

    /** {@code ttl}, cut short to when the credentials expire. */
    private static Duration lifetime(Duration ttl, Binding binding) {
        if (binding.expiresAt() == null) {
            return ttl;
        }
        Duration left = Duration.between(Instant.now(), binding.expiresAt());
        return left.compareTo(ttl) < 0 ? (left.isNegative() ? Duration.ZERO : left) : ttl;
    }

    private JWTClaimsSet.Builder base(Principal principal, String audience, Duration ttl) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                .issuer(config.issuer())
                .subject(principal.anonymous() ? "" : principal.name())
                .audience(audience)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString())
                .claim("kind", principal.kind().name());
        if (!principal.anonymous()) {
            b.claim("uid", principal.accountId());
        }
        if (principal.systemAdmin()) {
            b.claim("adm", true);
        }
        if (principal.robot()) {
            b.claim("rp", principal.robotProject()).claim("ra", actionNames(principal.robotActions()));
        }
        return b;
    }

    private String sign(JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(keyId).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
        return jwt.serialize();
    }

    private static List<String> actionNames(Set<Action> actions) {
        List<String> names = new ArrayList<>();
        for (Action a : Action.values()) {
            if (actions.contains(a)) {
                names.add(a.scopeName());
            }
        }
        return names;
    }

    private static List<String> orEmpty(List<String> list) {
        return list == null ? List.of() : list;
    }

    private static Map<String, Set<Action>> accessOf(JWTClaimsSet claims) throws InvalidTokenException {
        Object raw = claims.getClaim("access");
        Map<String, Set<Action>> access = new HashMap<>();
        if (raw == null) {
            return access;
        }
        if (!(raw instanceof List<?> list)) {
            throw new InvalidTokenException("malformed access claim");
        }
        for (Object o : list) {
            if (o instanceof Map<?, ?> entry && Grant.REPOSITORY.equals(entry.get("type")) && entry.get("name") instanceof String name
                    && entry.get("actions") instanceof List<?> actions) {
                Set<Action> set = access.computeIfAbsent(name, n -> EnumSet.noneOf(Action.class));
                for (Object a : actions) {
                    set.addAll(Action.parseList(String.valueOf(a)));
                }
            }
        }
        return access;
    }

    private static boolean catalogOf(JWTClaimsSet claims) {
        if (claims.getClaim("access") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> entry && Grant.REGISTRY.equals(entry.get("type")) && Grant.CATALOG.equals(entry.get("name"))) {
                    return true;
                }
            }
        }
        return false;
    }
}
