package io.wharf.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.wharf.problem.validation.Names;

class ProblemTest {

    @Test
    void aProblemCarriesTypeTitleStatusDetailAndCode() {
        Problem p = Problem.of(404, "NOT_FOUND", "no rule 42");
        assertEquals("https://wharf.io/problems/not-found", p.type());
        assertEquals("Not Found", p.title());
        assertEquals(404, p.status());
        assertEquals("no rule 42", p.detail());
        assertEquals("NOT_FOUND", p.code());
        assertEquals(List.of(), p.errors());
    }

    @Test
    void anInvalidRequestNamesEachFieldInErrorsAndDetail() {
        Problem p = Problem.invalid(List.of(new Problem.FieldError("name", "is required"),
                new Problem.FieldError("headers[Host]", "cannot be set")));
        assertEquals(400, p.status());
        assertEquals("INVALID_REQUEST", p.code());
        assertEquals("name: is required; headers[Host]: cannot be set", p.detail());
        assertEquals("headers[Host]", p.errors().get(1).field());
    }

    @ParameterizedTest
    @CsvSource({ "400,INVALID_REQUEST", "401,UNAUTHORIZED", "403,FORBIDDEN", "404,NOT_FOUND", "409,CONFLICT",
            "413,TOO_LARGE", "415,UNSUPPORTED_MEDIA_TYPE", "500,INTERNAL_ERROR", "418,INVALID_REQUEST", "599,INTERNAL_ERROR" })
    void aBareStatusHasAStableCode(int status, String code) {
        assertEquals(code, Problem.codeOf(status));
    }

    @ParameterizedTest
    @ValueSource(strings = { "ab", "library", "my-team", "my--team", "a.b_c", "a__b", "x0123456789012345678901234567890123456789012345678901234567890yz" })
    void projectNamesTheRegistryAccepts(String name) {
        assertTrue(Names.isProjectName(name), name);
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "a", "Team", "-team", "team-", "a..b", "a___b", "my team", "ünï",
            "x01234567890123456789012345678901234567890123456789012345678901yz" })
    void namesThatAreNoProjectName(String name) {
        assertFalse(Names.isProjectName(name), name);
    }
}
