package io.wharf.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one grammar of project names, repository patterns and globs that the registry's search, the
 * notifier's subscriptions and the deployer's rules share, row by row.
 */
class NameAndPatternGrammarTest {

    static final String PROJECT_RULE = "project name must be 2-64 characters of lowercase letters and digits,"
            + " separated by '.', '_', '__' or '-'";

    @ParameterizedTest(name = "project \"{0}\" is valid")
    @ValueSource(strings = {"ab", "team", "library", "my--team", "a__b", "a.b", "a_b", "a-b", "a---b", "0x", "42",
            "devwiki", "team.infra_ops--x",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void validProjects(String name) {
        assertTrue(RepositoryNames.isValidProject(name));
        RepositoryNames.validateProject(name);
        assertTrue(RepositoryNames.isValidPathComponent(name));
    }

    @ParameterizedTest(name = "project \"{0}\" is refused")
    @ValueSource(strings = {"", "a", "7", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "My-Team", "TEAM", "teAm", "a___b", "a..b", "a._b", "-ab", "ab-", ".ab", "ab.", "_ab", "a b", "a/b", "ab*", "ab?",
            "ab:1", "ab@x", "caf\u00e9", "t\u0435am", " ab", "ab\n"})
    void invalidProjects(String name) {
        assertFalse(RepositoryNames.isValidProject(name));
        InvalidReferenceException e = assertThrows(InvalidReferenceException.class, () -> RepositoryNames.validateProject(name));
        assertEquals(PROJECT_RULE, e.getMessage());
        assertEquals(InvalidReferenceException.Code.NAME_INVALID, e.code());
    }

    @Test
    void aProjectIsOnePathComponentOfBoundedLength() {
        assertFalse(RepositoryNames.isValidProject(null));
        assertThrows(NullPointerException.class, () -> RepositoryNames.validateProject(null));
        // Robot names: any length of the component grammar.
        assertTrue(RepositoryNames.isValidPathComponent("a"));
        assertFalse(RepositoryNames.isValidPathComponent("a___b"));
        assertFalse(RepositoryNames.isValidPathComponent(null));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" matches \"{1}\": {2}")
    @CsvSource(delimiterString = " | ", emptyValue = "", value = {
            // '*': a run within one segment
            "team/*            | team/a            | true",
            "team/*            | team/app-1.2      | true",
            "team/*            | team/a/b          | false",
            "team/*            | team              | false",
            "team/*            | teams/a           | false",
            "team/svc-*        | team/svc-a        | true",
            "team/svc-*        | team/svc-         | true",
            "team/svc-*        | team/svc-a/b      | false",
            "team/*-api        | team/x-y-api      | true",
            "team/*-api        | team/x/y-api      | false",
            "team/*/api        | team/x/api        | true",
            "team/*/api        | team/x/y/api      | false",
            "team/*/api        | team/api          | false",
            "*                 | abc               | true",
            "*                 | ''                | true",
            "*                 | a/b               | false",
            // '**': a run across segments; as a whole segment also zero segments
            "team/**           | team/a            | true",
            "team/**           | team/a/b          | true",
            "team/**           | team/a/b/c/d      | true",
            "team/**           | team              | true",
            "team/**           | teams             | false",
            "team/**           | teams/a           | false",
            "team/**           | other/team/a      | false",
            "team/**/api       | team/api          | true",
            "team/**/api       | team/x/api        | true",
            "team/**/api       | team/x/y/api      | true",
            "team/**/api       | team/xapi         | false",
            "team/**/api       | team/api/x        | false",
            "team/*/**/api     | team/api          | false",
            "team/*/**/api     | team/x/api        | true",
            "team/*/**/api     | team/x/y/api      | true",
            "team/*/**         | team              | false",
            "team/*/**         | team/x            | true",
            "team/*/**         | team/x/y          | true",
            "**/api            | api               | true",
            "**/api            | a/b/api           | true",
            "**/api            | xapi              | false",
            "**                | ''                | true",
            "**                | a/b/c             | true",
            "team/svc-**       | team/svc-a/b      | true",
            "team/svc-**       | team/svc-         | true",
            "team/a**b         | team/a/x/b        | true",
            "team/a**b         | team/ab           | true",
            "team/a**b         | team/a/x/c        | false",
            "team/**/**/api    | team/api          | true",
            "team/**/**/api    | team/a/b/c/api    | true",
            "team/***          | team/a/b          | true",
            "team/***          | team              | true",
            "team/****/x       | team/x            | true",
            // '?': one character, never '/'
            "v?.?              | v1.2              | true",
            "v?.?              | v1.23             | false",
            "v?.?              | v1.               | false",
            "a?b               | a/b               | false",
            "a?b               | a-b               | true",
            "?                 | ''                | false",
            "team/?*           | team/x            | true",
            "team/?*           | team/             | false",
            // everything else is literal, regular-expression metacharacters included
            "a.b               | a.b               | true",
            "a.b               | aXb               | false",
            "c++               | c++               | true",
            "c++               | cc                | false",
            "a+                | aa                | false",
            "a(b)              | a(b)              | true",
            "a(b)              | ab                | false",
            "[ab]              | a                 | false",
            "[ab]              | [ab]              | true",
            "a{2}              | aa                | false",
            "a|b               | a                 | false",
            "^a$               | ^a$               | true",
            "^a$               | a                 | false",
            "a\\d              | a\\d              | true",
            "a\\d              | a1                | false",
            "a\\*              | a\\xyz            | true",
            "100%              | 100%              | true",
            "100%              | 1000              | false",
            "a_b               | aXb               | false",
            "$1                | $1                | true",
            // whole value, case-sensitive
            "team/api          | team/api          | true",
            "team/api          | team/api2         | false",
            "team/api          | xteam/api         | false",
            "Team/*            | team/a            | false",
            "release-*         | release-2024.1    | true",
            "release-*         | prerelease-1      | false",
    })
    void globMatches(String pattern, String value, boolean expected) {
        assertEquals(expected, Glob.compile(pattern).matches(value));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" is LIKE \"{1}\"")
    @CsvSource(delimiter = '|', value = {
            "v*              | v%",
            "v?.0            | v_.0",
            "latest          | latest",
            "release_*       | release\\_%",
            "100%            | 100\\%",
            "a\\b            | a\\\\b",
            "*               | %",
            "**              | %",
            "a**b            | a%b",
            "*?*             | %_%",
            "***?            | %_",
            "a*%             | a%\\%",
            "team/*          | team/%",
            "team/**         | team%",
            "team/**/api     | team%/api",
            "**/api          | %api",
            "team/**/**/api  | team%/api",
            "team/*/**/api   | team/%/api",
    })
    void globAsLike(String pattern, String like) {
        assertEquals(like, Glob.compile(pattern).toLikePattern());
    }

    @Test
    void boundsThePatternLength() {
        assertEquals("pattern must not be empty", assertThrows(InvalidPatternException.class, () -> Glob.compile("")).getMessage());
        assertTrue(Glob.compile("a".repeat(Glob.MAX_LENGTH)).matches("a".repeat(256)));
        InvalidPatternException e = assertThrows(InvalidPatternException.class, () -> Glob.compile("a".repeat(257)));
        assertEquals("pattern must not be more than 256 characters", e.getMessage());
        assertThrows(NullPointerException.class, () -> Glob.compile(null));
        assertFalse(Glob.compile("*").matches(null));
    }

    @Test
    void tellsLiteralsFromPatterns() {
        assertTrue(Glob.compile("team/api").isLiteral());
        assertFalse(Glob.compile("team/api-?").isLiteral());
        assertTrue(Glob.hasWildcard("team/*"));
        assertFalse(Glob.hasWildcard("team/a.b"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"*a", "**a", "?*", "a*", "*a*", "**/a"})
    void patternsThatBacktrackingEnginesExplodeOnCompleteFast(String unit) {
        // As a regular expression, (.*a){n} against a long run of 'a' without the final character takes
        // exponential time; here every call is linear in the value times the pattern.
        String pattern = (unit.repeat(Glob.MAX_LENGTH)).substring(0, Glob.MAX_LENGTH - 1) + "b";
        String value = "a".repeat(5_000) + "c";
        String withSlashes = "a/".repeat(2_500) + "c";
        Glob glob = Glob.compile(pattern);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertFalse(glob.matches(value));
            assertFalse(glob.matches(withSlashes));
        });
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" is project {1}")
    @CsvSource(delimiter = '|', value = {
            "team/api          | team",
            "team/svc-*        | team",
            "team/**           | team",
            "team/*/**/api     | team",
            "my--team/a        | my--team",
            "a__b/x/y          | a__b",
            "team/a?b          | team",
            "team/a.b_c--d     | team",
    })
    void validRepositoryPatterns(String pattern, String project) {
        RepositoryGlob glob = RepositoryGlob.parse(pattern);
        assertEquals(project, glob.project());
        assertEquals(pattern, glob.pattern());
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" is refused: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', emptyValue = "", value = {
            "\"\"              | repository is required",
            "\"  \"            | repository is required",
            "noproject       | repository must be project/name (a pattern may follow the project): noproject",
            "team/           | repository must be project/name (a pattern may follow the project): team/",
            "/api            | repository must be project/name (a pattern may follow the project): /api",
            "*/api           | the project of a repository pattern must be fixed: */api",
            "te?m/api        | the project of a repository pattern must be fixed: te?m/api",
            "**/api          | the project of a repository pattern must be fixed: **/api",
            "t/api           | not a project of t/api: " + PROJECT_RULE,
            "Team/api        | not a project of Team/api: " + PROJECT_RULE,
            "my___team/api   | not a project of my___team/api: " + PROJECT_RULE,
            "team/App        | not a valid repository name: team/App (repository name component (App) must be lowercase"
                    + " letters and digits, separated by '.', '_', '__' or '-')",
            "team//api       | not a valid repository name: team//api (repository name must not contain empty components"
                    + " (leading, trailing or repeated '/'))",
            "team/-*         | not a valid repository pattern: team/-* (with each wildcard read as a letter it must be a repository name)",
            "team//*         | not a valid repository pattern: team//* (with each wildcard read as a letter it must be a repository name)",
            "team/A*         | not a valid repository pattern: team/A* (with each wildcard read as a letter it must be a repository name)",
            "team/a b*       | not a valid repository pattern: team/a b* (with each wildcard read as a letter it must be a repository name)",
    })
    void invalidRepositoryPatterns(String pattern, String message) {
        assertEquals(message, assertThrows(InvalidPatternException.class, () -> RepositoryGlob.parse(pattern)).getMessage());
    }

    @Test
    void boundsRepositoryPatternsLikeEveryGlob() {
        assertThrows(InvalidPatternException.class, () -> RepositoryGlob.parse(null));
        String longest = "team/" + "a".repeat(Grammar.MAX_NAME_LENGTH - 5);
        assertTrue(RepositoryGlob.parse(longest).matches(longest));
        assertEquals("not a valid repository name: " + longest + "b (repository name must not be more than 255 characters)",
                assertThrows(InvalidPatternException.class, () -> RepositoryGlob.parse(longest + "b")).getMessage());
        assertEquals("pattern must not be more than 256 characters",
                assertThrows(InvalidPatternException.class, () -> RepositoryGlob.parse("team/" + "*".repeat(252))).getMessage());
    }
}
