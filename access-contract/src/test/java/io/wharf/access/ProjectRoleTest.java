package io.wharf.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The roles' wire names: what the API, the database and the {@code projects} claim hold. */
class ProjectRoleTest {

    @ParameterizedTest
    @CsvSource({
        "projectAdmin, PROJECT_ADMIN",
        "maintainer, MAINTAINER",
        "developer, DEVELOPER",
        "guest, GUEST",
        "limitedGuest, LIMITED_GUEST"
    })
    void wireNamesAreHarbors(String wireName, ProjectRole role) {
        assertEquals(wireName, role.wireName());
        assertEquals(role, ProjectRole.fromWire(wireName));
        assertEquals(Optional.of(role), ProjectRole.ofWire(wireName));
    }

    @Test
    void unknownNameIsRefusedWithTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProjectRole.fromWire("owner"));
        assertEquals("unknown role 'owner': expected projectAdmin, maintainer, developer, guest or limitedGuest", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ProjectRole.fromWire(null));
        assertTrue(ProjectRole.ofWire("PROJECTADMIN").isEmpty(), "wire names are case-sensitive");
    }

    @Test
    void wireNamesConstantListsEveryRoleInOrder() {
        assertEquals(Arrays.stream(ProjectRole.values()).map(ProjectRole::wireName).collect(Collectors.joining(", ")),
                ProjectRole.WIRE_NAMES);
    }

    @ParameterizedTest
    @EnumSource(ProjectRole.class)
    void capabilitiesCannotBeChanged(ProjectRole role) {
        assertThrows(UnsupportedOperationException.class, () -> role.capabilities().add(Capability.MANAGE_PROJECT));
    }
}
