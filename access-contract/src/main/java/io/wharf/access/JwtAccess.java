package io.wharf.access;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Reads {@link Access} from a token MicroProfile JWT has verified (signature, issuer, audience,
 * expiry). The caller brings the MicroProfile JWT and Jakarta JSON APIs (smallrye-jwt does).
 */
public final class JwtAccess {

    private JwtAccess() {
    }

    /**
     * The rights of this token's caller. A {@value ApiToken#PROJECTS_CLAIM} claim that is no JSON
     * object, and entries whose role is no string, grant nothing.
     */
    public static Access of(JsonWebToken token) {
        Map<String, String> roles = new LinkedHashMap<>();
        if (token.getClaim(ApiToken.PROJECTS_CLAIM) instanceof JsonObject projects) {
            projects.forEach((project, role) -> {
                if (role instanceof JsonString name) {
                    roles.put(project, name.getString());
                }
            });
        }
        return Access.of(token.getSubject(), token.getGroups(), roles);
    }
}
