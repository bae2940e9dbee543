package io.wharf.notifier.support;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/** Bearer tokens as the registry issues them (RS256, issuer wharf, audience wharf-api), signed with the test key. */
public final class Tokens {

    private Tokens() {
    }

    public static String admin() {
        return claims("root").groups(Set.of("system-admin")).sign("jwt/private-key.pem");
    }

    /** A user holding {@code role} in {@code project}. */
    public static String member(String user, String project, String role) {
        return claims(user).claim("projects", Map.of(project, role)).sign("jwt/private-key.pem");
    }

    /** As the registry signs them: with a key id in the header. */
    public static String adminWithKeyId() {
        return claims("root").groups(Set.of("system-admin")).jws().keyId("registry-key-1").sign("jwt/private-key.pem");
    }

    public static String signedByAnotherKey() {
        return claims("root").groups(Set.of("system-admin")).sign("jwt/other-private-key.pem");
    }

    public static String forAnotherAudience() {
        return Jwt.issuer("wharf").audience("someone-else").subject("root").groups(Set.of("system-admin"))
                .expiresIn(300).sign("jwt/private-key.pem");
    }

    public static String expired() {
        return Jwt.issuer("wharf").audience("wharf-api").subject("root").groups(Set.of("system-admin"))
                .issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600))
                .sign("jwt/private-key.pem");
    }

    private static JwtClaimsBuilder claims(String user) {
        return Jwt.issuer("wharf").audience("wharf-api").subject(user).upn(user).expiresIn(300);
    }
}
