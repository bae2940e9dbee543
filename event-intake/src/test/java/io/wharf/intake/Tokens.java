package io.wharf.intake;

import java.util.Map;
import java.util.Set;

import io.smallrye.jwt.build.Jwt;
import io.wharf.access.ApiToken;
import io.wharf.access.ProjectRole;

/** API tokens as the registry issues them (RS256, issuer and audience of the access contract), signed with the test key. */
final class Tokens {

    private Tokens() {
    }

    static String admin() {
        return Jwt.issuer(ApiToken.ISSUER).audience(ApiToken.AUDIENCE).subject("root").upn("root")
                .groups(Set.of(ApiToken.ADMIN_GROUP)).expiresIn(300).sign("jwt/private-key.pem");
    }

    /** An ordinary user: the project admin of a project of their own, no system admin. */
    static String user(String name) {
        return Jwt.issuer(ApiToken.ISSUER).audience(ApiToken.AUDIENCE).subject(name).upn(name)
                .claim(ApiToken.PROJECTS_CLAIM, Map.of(name, ProjectRole.PROJECT_ADMIN.wireName())).expiresIn(300).sign("jwt/private-key.pem");
    }
}
