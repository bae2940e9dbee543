package io.wharf.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every role against every capability, as README's "Identity and access" states them, for a member
 * of the project, a system admin, a non-member and global (null project) things.
 */
class RoleMatrixTest {

    private static final String PROJECT = "team";

    /** Columns in this order: pull, push, delete, manage project, manage automation, read project. */
    private static final List<Capability> COLUMNS = List.of(Capability.PULL, Capability.PUSH, Capability.DELETE,
            Capability.MANAGE_PROJECT, Capability.MANAGE_AUTOMATION, Capability.READ_PROJECT);

    private static final String MATRIX = """
            projectAdmin  x x x x x x
            maintainer    x x x - x x
            developer     x x - - - x
            guest         x - - - - x
            limitedGuest  x - - - - -
            """;

    static Stream<Arguments> matrix() {
        List<Arguments> cells = new ArrayList<>();
        for (String line : MATRIX.strip().split("\n")) {
            String[] cols = line.trim().split("\\s+");
            for (int i = 0; i < COLUMNS.size(); i++) {
                cells.add(Arguments.of(cols[0], COLUMNS.get(i), cols[i + 1].equals("x")));
            }
        }
        return cells.stream();
    }

    @Test
    void matrixCoversEveryRoleAndCapability() {
        assertEquals(ProjectRole.values().length * Capability.values().length, matrix().count());
        assertEquals(Set.of(Capability.values()), Set.copyOf(COLUMNS));
    }

    @ParameterizedTest(name = "{0} may {1}: {2}")
    @MethodSource("matrix")
    void roleMayWhatTheMatrixSays(String wireName, Capability capability, boolean allowed) {
        ProjectRole role = ProjectRole.fromWire(wireName);
        assertEquals(allowed, role.may(capability));
        assertEquals(allowed, role.capabilities().contains(capability));
    }

    @ParameterizedTest(name = "a member as {0} may {1} in its project: {2}")
    @MethodSource("matrix")
    void memberMayWhatItsRoleMay(String wireName, Capability capability, boolean allowed) {
        Access member = Access.of("alice", Set.of(), Map.of(PROJECT, wireName));
        assertEquals(allowed, member.may(PROJECT, capability));
        assertFalse(member.may("other", capability), "nothing in a project it is no member of");
        assertFalse(member.may(null, capability), "nothing global");
        assertFalse(member.isSystemAdmin());
        if (capability == Capability.MANAGE_AUTOMATION) {
            assertEquals(allowed, member.canManage(PROJECT));
        }
        if (capability == Capability.READ_PROJECT) {
            assertEquals(allowed, member.canRead(PROJECT));
            assertEquals(allowed ? Set.of(PROJECT) : Set.of(), member.readableProjects());
        }
    }

    @ParameterizedTest
    @EnumSource(Capability.class)
    void systemAdminMayEverythingEverywhereAndGlobally(Capability capability) {
        Access admin = Access.of("root", List.of(ApiToken.ADMIN_GROUP), Map.of(PROJECT, "limitedGuest"));
        assertTrue(admin.isSystemAdmin());
        assertTrue(admin.may(PROJECT, capability), "even where its role is limitedGuest");
        assertTrue(admin.may("any-project", capability));
        assertTrue(admin.may(null, capability));
        assertTrue(admin.canManage(null));
        assertTrue(admin.canRead(null));
    }

    @ParameterizedTest
    @EnumSource(Capability.class)
    void nonMemberMayNothing(Capability capability) {
        Access stranger = Access.of("mallory", Set.of("developers"), Map.of());
        assertFalse(stranger.may(PROJECT, capability));
        assertFalse(stranger.may(null, capability));
        assertFalse(stranger.canManage(PROJECT));
        assertFalse(stranger.canRead(PROJECT));
        assertEquals(Set.of(), stranger.readableProjects());
    }

    @Test
    void missingClaimsGiveNoRights() {
        Access nobody = Access.of("bob", null, null);
        assertFalse(nobody.isSystemAdmin());
        assertFalse(nobody.canRead(PROJECT));
        assertEquals(Set.of(), nobody.memberships());
        assertEquals("bob", nobody.user());
    }

    @Test
    void unknownRoleGrantsNothing() {
        Access odd = Access.of("bob", Set.of(), Map.of(PROJECT, "owner", "other", "ProjectAdmin"));
        for (Capability c : Capability.values()) {
            assertFalse(odd.may(PROJECT, c));
            assertFalse(odd.may("other", c));
        }
        assertEquals(Set.of(), odd.readableProjects());
    }

    @Test
    void readableProjectsAreTheMembershipsThatRead() {
        Access access = Access.of("carol", Set.of(), Map.of("a", "maintainer", "b", "guest", "c", "limitedGuest"));
        assertEquals(Set.of("a", "b"), access.readableProjects());
        assertEquals(Set.of("a", "b", "c"), access.memberships());
    }

    @Test
    void adminGroupIsTheOnlyGroupThatCounts() {
        assertFalse(Access.of("eve", Set.of("System-Admin", "admin", "wharf-admins"), Map.of()).isSystemAdmin());
    }
}
