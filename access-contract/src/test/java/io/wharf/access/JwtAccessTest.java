package io.wharf.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import jakarta.json.Json;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/** Reading the rights from a verified token, with claims shaped as smallrye-jwt hands them over. */
class JwtAccessTest {

    @Test
    void readsSubjectGroupsAndProjectRoles() {
        Access access = JwtAccess.of(token(Map.of(
                "sub", "alice",
                "groups", Set.of(),
                "projects", Json.createObjectBuilder().add("team", "maintainer").add("docs", "guest").build())));
        assertEquals("alice", access.user());
        assertFalse(access.isSystemAdmin());
        assertTrue(access.canManage("team"));
        assertTrue(access.canRead("docs"));
        assertFalse(access.canManage("docs"));
        assertEquals(Set.of("team", "docs"), access.readableProjects());
    }

    @Test
    void adminGroupMakesASystemAdmin() {
        Access access = JwtAccess.of(token(Map.of("sub", "root", "groups", Set.of("system-admin"))));
        assertTrue(access.isSystemAdmin());
        assertTrue(access.canManage(null));
    }

    @Test
    void roleThatIsNoStringGrantsNothing() {
        Access access = JwtAccess.of(token(Map.of("sub", "bob",
                "projects", Json.createObjectBuilder().add("team", 1).add("docs", Json.createArrayBuilder().add("projectAdmin")).build())));
        assertFalse(access.canRead("team"));
        assertFalse(access.canRead("docs"));
    }

    @Test
    void projectsClaimThatIsNoObjectGrantsNothing() {
        Access access = JwtAccess.of(token(Map.of("sub", "bob", "projects", Json.createValue("projectAdmin"))));
        assertEquals(Set.of(), access.memberships());
    }

    @Test
    void tokenWithoutClaimsHasNoRights() {
        Access access = JwtAccess.of(token(Map.of()));
        assertFalse(access.isSystemAdmin());
        assertFalse(access.canRead("team"));
        assertFalse(access.canRead(null));
    }

    /** A token with these claims, answering as MicroProfile JWT's defaults do. */
    private static JsonWebToken token(Map<String, Object> claims) {
        Map<String, Object> all = new HashMap<>(claims);
        return new JsonWebToken() {
            @Override
            public String getName() {
                return (String) all.get("sub");
            }

            @Override
            public Set<String> getClaimNames() {
                return all.keySet();
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getClaim(String claimName) {
                return (T) all.get(claimName);
            }
        };
    }
}
