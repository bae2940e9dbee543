package io.wharf.problem;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.restassured.response.ValidatableResponse;

/** What every API test asserts of a refusal: a problem body with this status and code, and no stack trace. */
public final class ProblemAssertions {

    private ProblemAssertions() {
    }

    /** Asserts {@code response} is an {@code application/problem+json} {@link Problem} of {@code status} and {@code code}. */
    public static ValidatableResponse problem(ValidatableResponse response, int status, String code) {
        return response.statusCode(status)
                .contentType(startsWith(Problem.MEDIA_TYPE))
                .body("status", equalTo(status))
                .body("code", equalTo(code))
                .body("type", equalTo(Problem.typeOf(code)))
                .body("title", equalTo(Problem.title(status)))
                .body("detail", notNullValue())
                .body(not(containsString("\tat ")));
    }
}
