package io.wharf.registry.ui;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.RedirectConfig;
import io.restassured.RestAssured;

@QuarkusTest
@WithTestResource(RecordingUpstream.class)
class WebUiTest {

    @BeforeEach
    void forget() {
        RecordingUpstream.SEEN.clear();
    }

    @Test
    void servesTheUiPageWithAStrictContentSecurityPolicy() {
        given().when().get("/ui/")
                .then().statusCode(200)
                .contentType(containsString("text/html"))
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("Content-Security-Policy", not(containsString("unsafe-inline")))
                .header("Content-Security-Policy", not(containsString("unsafe-eval")))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .header("Cache-Control", equalTo("no-cache"))
                .header("X-Content-Type-Options", equalTo("nosniff"))
                .body(containsString("<h1"), containsString("<main"), containsString("type=\"module\""));
    }

    @Test
    void servesScriptsAsJavaScriptAndStylesAsCss() {
        given().when().get("/ui/app.js").then().statusCode(200)
                .contentType(matchesPattern("(text|application)/javascript.*"))
                .header("Cache-Control", equalTo("no-cache"))
                .header("Content-Security-Policy", not(containsString("unsafe-inline")));
        given().when().get("/ui/style.css").then().statusCode(200)
                .contentType(containsString("text/css"))
                .header("Cache-Control", equalTo("no-cache"));
    }

    @Test
    void leadsFromTheRootToTheUi() {
        RestAssured.given().config(RestAssured.config().redirect(RedirectConfig.redirectConfig().followRedirects(false)))
                .when().get("/").then().statusCode(302).header("Location", equalTo("/ui/"));
    }

    @Test
    void passesNotifierCallsOnWithOnlyTheAllowedHeaders() {
        given().header("Authorization", "Bearer some.api.token").header("Cookie", "session=registry-only")
                .header("X-Forwarded-For", "203.0.113.9").accept("application/json")
                .when().get("/ui-api/notifier/api/v1/subscriptions?project=acme")
                .then().statusCode(201)
                .contentType(containsString("application/json"))
                .header("Location", equalTo("/ui-api/notifier/api/v1/subscriptions/42"))
                .header("Set-Cookie", nullValue())
                .header("Cache-Control", equalTo("no-store"))
                .body("upstreamPath", equalTo("/api/v1/subscriptions"));
        List<RecordingUpstream.Seen> seen = RecordingUpstream.SEEN;
        assertEquals(1, seen.size());
        RecordingUpstream.Seen one = seen.get(0);
        assertEquals("GET", one.method());
        assertEquals("project=acme", one.query());
        assertEquals("Bearer some.api.token", one.headers().getFirst("Authorization"));
        assertNull(one.headers().getFirst("Cookie"), "the registry's cookies must not reach the notifier");
        assertNull(one.headers().getFirst("X-Forwarded-For"));
    }

    @Test
    void streamsARequestBodyToTheDeployerUnderItsBasePath() {
        String body = "{\"name\":\"web\",\"repository\":\"acme/api\"," + "\"pad\":\"" + "x".repeat(200_000) + "\"}";
        given().header("Authorization", "Bearer t").contentType("application/json").body(body)
                .when().post("/ui-api/deployer/api/v1/rules")
                .then().statusCode(201)
                .header("Location", equalTo("/ui-api/deployer/api/v1/subscriptions/42"))
                .body("upstreamPath", equalTo("/deployer-base/api/v1/rules"))
                .body("bodyLength", equalTo(body.length()));
        RecordingUpstream.Seen one = RecordingUpstream.SEEN.get(0);
        assertEquals("POST", one.method());
        assertEquals(body, one.body());
        assertTrue(one.headers().getFirst("Content-Type").startsWith("application/json"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/ui-api/notifier/q/metrics",
        "/ui-api/notifier/api/v2/x",
        "/ui-api/elsewhere/api/v1/subscriptions",
        "/ui-api/notifier/api/v1/%2e%2e/%2e%2e/q/health",
        "/ui-api/notifier/api/v1/subscriptions%2F..%2F..%2Fq",
        "/ui-api/notifier",
        "/ui-api/"})
    void refusesPathsOutsideTheAllowedPrefixes(String path) {
        given().urlEncodingEnabled(false).header("Authorization", "Bearer t")
                .when().get(path)
                .then().statusCode(404).contentType("application/problem+json").body("code", equalTo("NOT_FOUND"));
        assertTrue(RecordingUpstream.SEEN.isEmpty(), "nothing may reach the upstream for " + path);
    }

    @Test
    void refusesMethodsOtherThanTheApiOnes() {
        given().when().request("TRACE", "/ui-api/notifier/api/v1/subscriptions").then().statusCode(405);
        assertTrue(RecordingUpstream.SEEN.isEmpty());
    }
}
