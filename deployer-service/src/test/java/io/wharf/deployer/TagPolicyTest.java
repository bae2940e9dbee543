package io.wharf.deployer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.wharf.deployer.rule.DeployerException;
import io.wharf.deployer.rule.TagPolicy;

/** Which tags each kind of policy deploys, and which policies are refused. */
class TagPolicyTest {

    @ParameterizedTest(name = "{0} {1} matches {2}: {3}")
    @CsvSource(delimiter = '|', value = {
            "exact  | stable            | stable         | true",
            "exact  | stable            | stable-2       | false",
            "exact  | 1.0               | 1.0.0          | false",
            "glob   | release-*         | release-2024.1 | true",
            "glob   | release-*         | prerelease-1   | false",
            "glob   | v?.?              | v1.2           | true",
            "glob   | v?.?              | v1.23          | false",
            "glob   | a.b               | aXb            | false",
            "regex  | v\\d+\\.\\d+       | v1.22          | true",
            "regex  | v\\d+\\.\\d+       | xv1.22         | false",
            "regex  | (main)?develop    | develop        | true",
            "semver | ^1.2.0            | 1.2.0          | true",
            "semver | ^1.2.0            | 1.9.3          | true",
            "semver | ^1.2.0            | 2.0.0          | false",
            "semver | ^1.2.0            | 1.1.9          | false",
            "semver | ^1.2.0            | v1.4.0         | true",
            "semver | ^1.2.0            | latest         | false",
            "semver | ~1.4               | 1.4.7          | true",
            "semver | ~1.4               | 1.5.0          | false",
            "semver | >=2.0.0 <3.0.0    | 2.10.1         | true",
            "semver | >=2.0.0 <3.0.0    | 3.0.0          | false",
            "semver | 1.x               | 1.99.0         | true",
            // pre-releases only match a range naming a pre-release of the same major.minor.patch
            "semver | ^1.2.0            | 1.3.0-rc.1     | false",
            "semver | >=1.0.0           | 2.0.0-beta.1   | false",
            "semver | >=1.3.0-rc.1      | 1.3.0-rc.2     | true",
            "semver | >=1.3.0-rc.1      | v1.3.0-rc.2    | true",
            "semver | >=1.3.0-rc.1      | 1.3.0-rc.0     | false",
            "semver | >=1.3.0-rc.1      | 1.4.0-rc.1     | false",
            "semver | >=1.3.0-rc.1      | 1.4.0          | true",
    })
    void matchesTags(String kind, String policy, String tag, boolean expected) {
        assertEquals(expected, TagPolicy.of(kind, policy).matches(tag));
    }

    @ParameterizedTest(name = "{0} {1} is refused")
    @CsvSource(delimiter = '|', value = {
            "exact  | has space",
            "exact  | ''",
            "regex  | (unclosed",
            "regex  | [z-a]",
            "regex  | (v)-\\1",
            "regex  | v(?=1)\\d+",
            "regex  | v1.*+",
            "semver | not-a-range",
            "semver | >=banana",
            "calver | 2024.1",
    })
    void refusesInvalidPolicies(String kind, String policy) {
        assertThrows(DeployerException.class, () -> TagPolicy.of(kind, policy));
    }

    @Test
    void aStoredPolicyThatIsNoLongerValidMatchesNoTagAndSaysWhy() {
        // java.util.regex accepted this; the linear-time grammar refuses backreferences.
        TagPolicy stale = TagPolicy.stored(UUID.randomUUID(), TagPolicy.Kind.REGEX, "(v)[0-9]+\\1?");
        assertFalse(stale.matches("v1"));
        assertFalse(stale.ordered());
        assertTrue(stale.problem().startsWith("not a valid tag regex: backreference \\1 is not allowed"), stale.problem());
        TagPolicy valid = TagPolicy.stored(UUID.randomUUID(), TagPolicy.Kind.REGEX, "v[0-9]+");
        assertNull(valid.problem());
        assertTrue(valid.matches("v1"));
        assertThrows(DeployerException.class, () -> TagPolicy.of(TagPolicy.Kind.REGEX, "x".repeat(257)));
    }

    @ParameterizedTest(name = "{0} after {1} is a downgrade: {2}")
    @CsvSource(delimiter = '|', value = {
            "1.2.2       | 1.2.3 | true",
            "v1.2.3      | 1.2.3 | false",
            "1.2.4       | 1.2.3 | false",
            "1.2.3-rc.1  | 1.2.3 | true",
            "2.0.0       | 1.9.9 | false",
    })
    void ordersVersionsForTheDowngradeGuard(String candidate, String deployed, boolean downgrade) {
        assertEquals(downgrade, TagPolicy.isDowngrade(candidate, deployed));
    }
}
