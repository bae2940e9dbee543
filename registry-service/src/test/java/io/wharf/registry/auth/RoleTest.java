package io.wharf.registry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import io.wharf.access.Capability;
import io.wharf.access.ProjectRole;

/**
 * What the registry adds to the access contract's roles: the repository actions Harbor gives them.
 * What each role may do otherwise is the contract's, tested by its {@code RoleMatrixTest}; here only
 * that the registry asks the contract rather than deciding again.
 */
class RoleTest {

    @ParameterizedTest
    @CsvSource({
        "projectAdmin, 'pull,push,delete'",
        "maintainer, 'pull,push,delete'",
        "developer, 'pull,push'",
        "guest, pull",
        "limitedGuest, pull"
    })
    void roleGrantsTheRepositoryActionsHarborGrants(String wireName, String actions) {
        assertEquals(Action.parseList(actions), Role.fromWire(wireName).actions());
    }

    @ParameterizedTest
    @EnumSource(ProjectRole.class)
    void everyContractRoleHasOneRegistryRoleThatAsksTheContract(ProjectRole contract) {
        Role role = Role.of(contract);
        assertEquals(contract, role.contract());
        assertEquals(contract.wireName(), role.wireName());
        assertEquals(contract.may(Capability.MANAGE_PROJECT), role.managesProject());
        assertEquals(contract.may(Capability.MANAGE_AUTOMATION), role.managesAutomation());
        assertEquals(contract.may(Capability.READ_PROJECT), role.readsProject());
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
