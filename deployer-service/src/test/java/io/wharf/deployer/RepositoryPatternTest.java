package io.wharf.deployer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.wharf.deployer.rule.DeployerException;
import io.wharf.deployer.rule.RepositoryPattern;

/** Which repositories a rule watches: the shared glob grammar, where {@code *} no longer crosses {@code /}. */
class RepositoryPatternTest {

    @ParameterizedTest(name = "{0} watches {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            "acme/api       | acme/api          | true",
            "acme/api       | acme/api2         | false",
            "acme/svc-*     | acme/svc-a        | true",
            "acme/svc-*     | acme/svc-a/extra  | false",
            "acme/*         | acme/team/app     | false",
            "acme/**        | acme/team/app     | true",
            "acme/*/**      | acme/team/app     | true",
            "acme/*/**/api  | acme/api          | false",
            "acme/*/**/api  | acme/x/api        | true",
            "acme/*         | other/app         | false",
    })
    void watches(String pattern, String repository, boolean expected) {
        assertEquals(expected, RepositoryPattern.of(pattern).matches(repository));
    }

    @ParameterizedTest(name = "{0} is refused")
    @ValueSource(strings = {"*/api", "noproject", "a/api", "Acme/api", "acme/Api-*", "acme//x"})
    void refusesPatternsOutsideTheGrammar(String pattern) {
        assertThrows(DeployerException.class, () -> RepositoryPattern.of(pattern));
    }

    @ParameterizedTest(name = "a pattern of {0} characters is refused")
    @ValueSource(ints = {257, 10_000})
    void refusesUnboundedPatterns(int length) {
        assertThrows(DeployerException.class, () -> RepositoryPattern.of("acme/" + "*".repeat(length - 5)));
    }
}
