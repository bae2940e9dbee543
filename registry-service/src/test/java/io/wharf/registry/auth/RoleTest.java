package io.wharf.registry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import io.wharf.access.ProjectRole;

/** The registry's roles are the access contract's, with the repository actions Harbor gives them. */
class RoleTest {

    @ParameterizedTest
    @CsvSource({
        "projectAdmin, 'pull,push,delete', true, true, true",
        "maintainer, 'pull,push,delete', false, true, true",
        "developer, 'pull,push', false, false, true",
        "guest, pull, false, false, true",
        "limitedGuest, pull, false, false, false"
    })
    void roleGrantsWhatHarborGrants(String wireName, String actions, boolean managesProject, boolean managesAutomation, boolean readsProject) {
        Role role = Role.fromWire(wireName);
        assertEquals(wireName, role.wireName());
        assertEquals(Action.parseList(actions), role.actions());
        assertEquals(managesProject, role.managesProject());
        assertEquals(managesAutomation, role.managesAutomation());
        assertEquals(readsProject, role.readsProject());
    }

    @ParameterizedTest
    @EnumSource(ProjectRole.class)
    void everyContractRoleHasOneRegistryRole(ProjectRole contract) {
        assertEquals(contract, Role.of(contract).contract());
    }

    @Test
    void rolesAreTheContractsOneToOne() {
        Set<ProjectRole> seen = EnumSet.noneOf(ProjectRole.class);
        for (Role r : Role.values()) {
            seen.add(r.contract());
        }
        assertEquals(EnumSet.allOf(ProjectRole.class), seen);
        assertEquals(ProjectRole.values().length, Role.values().length);
    }
}
