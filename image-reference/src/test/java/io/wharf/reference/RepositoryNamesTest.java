package io.wharf.reference;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Repository names and tags of the registry's own {@code /v2/<name>/manifests/<tag>} paths. */
class RepositoryNamesTest {

    static Stream<String> validRepositories() {
        return Stream.of("library/nginx", "team/app", "a", "a/b/c/d", "dock__er/x", "a-b--c/x.y_z", "0/1", "a".repeat(255),
                "myproject/mynginx");
    }

    @ParameterizedTest
    @MethodSource("validRepositories")
    void validRepository(String name) {
        assertDoesNotThrow(() -> RepositoryNames.validateRepository(name));
        assertTrue(RepositoryNames.isValidRepository(name));
    }

    static Stream<Arguments> invalidRepositories() {
        String emptyComponent = "repository name must not contain empty components (leading, trailing or repeated '/')";
        return Stream.of(
                Arguments.of("", "repository name must have at least one component"),
                Arguments.of("myProject/myNginx", "repository name must be lowercase"),
                Arguments.of("team/App", "repository name must be lowercase"),
                Arguments.of("a".repeat(256), "repository name must not be more than 255 characters"),
                Arguments.of("team/" + "a".repeat(251), "repository name must not be more than 255 characters"),
                Arguments.of("a//b", emptyComponent),
                Arguments.of("/a", emptyComponent),
                Arguments.of("a/", emptyComponent),
                Arguments.of("-a", component("-a")),
                Arguments.of("a-", component("a-")),
                Arguments.of("a..b", component("a..b")),
                Arguments.of("a___b", component("a___b")),
                Arguments.of("a b", component("a b")),
                Arguments.of("localhost:5000/a", component("localhost:5000")),
                Arguments.of("team/app:1", component("app:1")));
    }

    static String component(String c) {
        return "repository name component (" + c + ") must be lowercase letters and digits, separated by '.', '_', '__' or '-'";
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @MethodSource("invalidRepositories")
    void invalidRepository(String name, String message) {
        InvalidReferenceException e = assertThrows(InvalidReferenceException.class,
                () -> RepositoryNames.validateRepository(name));
        assertEquals(message, e.getMessage());
        assertEquals(message, e.reason());
        assertEquals(InvalidReferenceException.Code.NAME_INVALID, e.code());
        assertFalse(RepositoryNames.isValidRepository(name));
    }

    static Stream<String> validTags() {
        return Stream.of("latest", "2.1.0-alpine", "_x", "A", "v1.0_RC-2", "a".repeat(128));
    }

    @ParameterizedTest
    @MethodSource("validTags")
    void validTag(String tag) {
        assertDoesNotThrow(() -> RepositoryNames.validateTag(tag));
        assertTrue(RepositoryNames.isValidTag(tag));
    }

    static Stream<Arguments> invalidTags() {
        String chars = "invalid tag format: tag must start with a letter, digit or '_'"
                + " and contain only letters, digits, '_', '.' and '-'";
        return Stream.of(
                Arguments.of("", "invalid tag format: tag must not be empty"),
                Arguments.of("a".repeat(129), "invalid tag format: tag must not be more than 128 characters"),
                Arguments.of("-x", chars),
                Arguments.of(".x", chars),
                Arguments.of("a/b", chars),
                Arguments.of("a:b", chars),
                Arguments.of("a@b", chars),
                Arguments.of("a b", chars));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @MethodSource("invalidTags")
    void invalidTag(String tag, String message) {
        InvalidReferenceException e = assertThrows(InvalidReferenceException.class, () -> RepositoryNames.validateTag(tag));
        assertEquals(message, e.getMessage());
        assertEquals(InvalidReferenceException.Code.TAG_INVALID, e.code());
        assertFalse(RepositoryNames.isValidTag(tag));
    }

    @org.junit.jupiter.api.Test
    void nullsAreNotValid() {
        assertFalse(RepositoryNames.isValidRepository(null));
        assertFalse(RepositoryNames.isValidTag(null));
        assertThrows(NullPointerException.class, () -> RepositoryNames.validateRepository(null));
    }
}
