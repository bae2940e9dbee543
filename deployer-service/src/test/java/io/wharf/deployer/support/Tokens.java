package io.wharf.deployer.support;

import java.util.Map;
import java.util.Set;

import io.smallrye.jwt.build.Jwt;

/** API tokens shaped like the registry's (RS256, issuer wharf, audience wharf-api), signed with the test key. */
public final class Tokens {
    private static final String KEY = "jwt/private-key.pem";

    private Tokens() {
    }

    public static String systemAdmin() {
        return Jwt.issuer("wharf").audience("wharf-api").subject("root").groups(Set.of("system-admin"))
                .expiresIn(600).sign(KEY);
    }

    /**
     * {@code user} with {@code role} in {@code project} and no other rights. The registry stand-in
     * answers these claims as the user's current rights until a test changes them
     * ({@link io.wharf.access.testing.RegistryStandIn#setRole}).
     */
    public static String user(String user, String project, String role) {
        return Jwt.issuer("wharf").audience("wharf-api").subject(user).claim("projects", Map.of(project, role))
                .expiresIn(600).sign(KEY);
    }

    public static String signedWithOtherKey() {
        return Jwt.issuer("wharf").audience("wharf-api").subject("root").groups(Set.of("system-admin"))
                .expiresIn(600).sign("jwt/other-private-key.pem");
    }
}
