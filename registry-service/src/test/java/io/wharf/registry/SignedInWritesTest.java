package io.wharf.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

/**
 * Writes to the management API need a signed-in caller before any of their body is read or parsed
 * (issue 21, "authorization before deserialization"). Before, the body of an anonymous write, or one
 * with wrong credentials, was read to its end and parsed as JSON, and only then was the caller looked
 * at: an anonymous caller held the server waiting for a body it never sent, and a malformed body was
 * answered 400 instead of 401. Project roles are still checked after parsing (a signed-in caller
 * without the role gets 403 once its body, at most 1 MiB, is read).
 */
@QuarkusTest
class SignedInWritesTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static String project;
    private static String member;

    /** One write of each kind: method, path ({project} and {member} filled in), the body's media type and a size under its limit. */
    record Write(String method, String template, String contentType, int size) {
        Write(String method, String template) {
            this(method, template, "application/json", 900 * 1024);
        }

        String path() {
            setUp();
            return template.replace("{project}", project).replace("{member}", member);
        }

        @Override
        public String toString() {
            return method + " " + template;
        }
    }

    /** A private project with a member, a robot and a repository, so every write names something that exists. */
    private static synchronized void setUp() {
        if (project != null) {
            return;
        }
        project = Accounts.project("gate", false);
        member = Accounts.user("gate-member");
        Accounts.member(project, member, "developer");
        Accounts.robot(project, "ci", List.of("pull"));
        Oci.pushImage(project + "/app", "v1");
    }

    static Stream<Write> writes() {
        return Stream.of(
                new Write("POST", "/api/v1/users"),
                new Write("PUT", "/api/v1/users/{member}/password"),
                new Write("PUT", "/api/v1/users/{member}/pull-limit"),
                new Write("POST", "/api/v1/users/me/tokens"),
                new Write("POST", "/api/v1/auth/token"),
                new Write("POST", "/api/v1/projects"),
                new Write("PUT", "/api/v1/projects/{project}"),
                new Write("PUT", "/api/v1/projects/{project}/robot-pull-limit"),
                new Write("PUT", "/api/v1/projects/{project}/members/{member}"),
                new Write("POST", "/api/v1/projects/{project}/robots"),
                new Write("POST", "/api/v1/projects/{project}/robots/ci/secret"),
                new Write("PATCH", "/api/v1/repositories/{project}/app"),
                new Write("PUT", "/api/v1/repositories/{project}/app/readme", "text/markdown", 200 * 1024));
    }

    private static void assertUnauthorized(String answer) {
        assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
        assertTrue(answer.contains("WWW-Authenticate: Basic realm=\"wharf\""), answer);
        assertTrue(answer.contains("application/problem+json"), answer);
        assertTrue(answer.contains("\"code\":\"UNAUTHORIZED\""), answer);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writes")
    void anAnonymousWriteIsRefusedBeforeItsBodyIsSent(Write write) throws Exception {
        // A server that read the body first would wait for a body that never comes (and time out here).
        assertUnauthorized(ApiBodyLimitTest.answerToHeadOnly(write.method(), write.path(), write.contentType(), write.size(), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writes")
    void wrongCredentialsAreRefusedBeforeTheBodyIsSent(Write write) throws Exception {
        setUp();
        String wrongPassword = "Basic " + java.util.Base64.getEncoder().encodeToString((member + ":not-the-password").getBytes(StandardCharsets.UTF_8));
        assertUnauthorized(ApiBodyLimitTest.answerToHeadOnly(write.method(), write.path(), write.contentType(), write.size(), wrongPassword));
        assertUnauthorized(ApiBodyLimitTest.answerToHeadOnly(write.method(), write.path(), write.contentType(), write.size(), "Bearer not.a.token"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writes")
    void anAnonymousMalformedBodyIsUnauthorizedNotParsed(Write write) throws Exception {
        // Small enough to be sent whole before the answer comes (the head-only test shows the body is not waited for).
        byte[] malformed = ("{\"name\": \"" + "x".repeat(8 * 1024)).getBytes(StandardCharsets.UTF_8); // never closed
        HttpResponse<String> announced = send(HttpRequest.newBuilder(uri(write.path())), write, HttpRequest.BodyPublishers.ofByteArray(malformed));
        assertEquals(401, announced.statusCode(), announced.body());
        assertTrue(announced.body().contains("UNAUTHORIZED"), announced.body());
        assertEquals("Basic realm=\"wharf\"", announced.headers().firstValue("WWW-Authenticate").orElse(null));
        // Chunked, the size unknown: refused the same way, before the body handler reads it.
        HttpResponse<String> chunked = send(HttpRequest.newBuilder(uri(write.path())), write,
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(malformed)));
        assertEquals(401, chunked.statusCode(), chunked.body());
    }

    @Test
    void anAnonymousDeleteIsUnauthorizedWhetherOrNotTheProjectExists() {
        setUp();
        for (String path : List.of("/api/v1/projects/" + project, "/api/v1/projects/no-such-project-" + Oci.suffix(),
                "/api/v1/projects/" + project + "/members/" + member, "/api/v1/users/" + member)) {
            Oci.anonymous().delete(path).then().statusCode(401).header("WWW-Authenticate", "Basic realm=\"wharf\"")
                    .contentType("application/problem+json").body("code", org.hamcrest.Matchers.equalTo("UNAUTHORIZED"));
        }
        Admin.given().get("/api/v1/projects/" + project + "/members").then().statusCode(200)
                .body("username", org.hamcrest.Matchers.hasItem(member));
    }

    @Test
    void aSignedInCallerStillHasItsBodyCheckedAndItsRoleAfterwards() throws Exception {
        setUp();
        byte[] malformed = "{\"name\": ".getBytes(StandardCharsets.UTF_8);
        Write create = new Write("POST", "/api/v1/projects");
        HttpResponse<String> invalid = send(Admin.request(uri(create.path())), create, HttpRequest.BodyPublishers.ofByteArray(malformed));
        assertEquals(400, invalid.statusCode(), invalid.body());
        // Signed in, but a developer may not add members: refused once its (small) body is read.
        Accounts.as(member).contentType(ContentType.JSON).body(Map.of("role", "guest"))
                .put("/api/v1/projects/" + project + "/members/" + Accounts.user("newcomer")).then().statusCode(403)
                .body("code", org.hamcrest.Matchers.equalTo("DENIED"));
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + RestAssured.port + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request, Write write, HttpRequest.BodyPublisher body) throws Exception {
        return HTTP.send(request.header("Content-Type", write.contentType()).method(write.method(), body).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
