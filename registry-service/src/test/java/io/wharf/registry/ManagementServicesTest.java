package io.wharf.registry;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * What the management API's services guarantee around their transactions: a revoked credential is
 * refused by the very next request (although Basic credentials are remembered for a minute), a
 * refused change leaves nothing behind, and an administrator's first push creates its project
 * while nobody else's does. Also how the API's sign-in answers credentials that do not check out.
 */
@QuarkusTest
class ManagementServicesTest {

    @Test
    void aDeletedRobotIsRefusedRightAfterTheDeletionAnswers() {
        String project = Accounts.project("gone-robot", false);
        Oci.pushImage(project + "/app", "v1");
        String[] robot = Accounts.robot(project, "ci", List.of("pull"));
        // Both checks remember the credentials.
        Accounts.as(robot[0], robot[1]).get("/api/v1/users/me").then().statusCode(200).body("kind", equalTo("robot"));
        Accounts.as(robot[0], robot[1]).get("/v2/" + project + "/app/manifests/v1").then().statusCode(200);

        Admin.given().delete("/api/v1/projects/" + project + "/robots/ci").then().statusCode(204);

        Accounts.as(robot[0], robot[1]).get("/api/v1/users/me").then().statusCode(401);
        Oci.assertError(Accounts.as(robot[0], robot[1]).get("/v2/" + project + "/app/manifests/v1"), 401, "UNAUTHORIZED");
    }

    @Test
    void aRotatedRobotSecretIsRefusedRightAfterTheRotationAnswers() {
        String project = Accounts.project("rotated-robot", false);
        String[] robot = Accounts.robot(project, "ci", List.of("pull"));
        Accounts.as(robot[0], robot[1]).get("/api/v1/users/me").then().statusCode(200);

        String fresh = Admin.given().post("/api/v1/projects/" + project + "/robots/ci/secret").then().statusCode(200)
                .extract().path("secret");

        Accounts.as(robot[0], robot[1]).get("/api/v1/users/me").then().statusCode(401);
        Accounts.as(robot[0], fresh).get("/api/v1/users/me").then().statusCode(200);
    }

    @Test
    void anOldPasswordIsRefusedRightAfterThePasswordChangeAnswers() {
        String user = Accounts.user("new-password");
        Accounts.as(user).get("/api/v1/users/me").then().statusCode(200);
        Accounts.as(user).get("/v2/").then().statusCode(200);

        Accounts.as(user).contentType(ContentType.JSON).body(Map.of("password", "the-next-long-password", "currentPassword", Accounts.PASSWORD))
                .put("/api/v1/users/" + user + "/password").then().statusCode(204);

        Accounts.as(user).get("/api/v1/users/me").then().statusCode(401);
        Accounts.as(user).get("/v2/").then().statusCode(401);
        Accounts.as(user, "the-next-long-password").get("/api/v1/users/me").then().statusCode(200);
    }

    @Test
    void aDeletedAccountIsRefusedRightAfterTheDeletionAnswers() {
        String user = Accounts.user("deleted");
        Accounts.as(user).get("/api/v1/users/me").then().statusCode(200);

        Admin.given().delete("/api/v1/users/" + user).then().statusCode(204);

        Accounts.as(user).get("/api/v1/users/me").then().statusCode(401);
    }

    @Test
    void aRobotWithATakenNameIsRefusedAndTheFirstRobotKeepsItsSecret() {
        String project = Accounts.project("twin-robot", false);
        String[] first = Accounts.robot(project, "ci", List.of("pull"));

        Admin.given().contentType(ContentType.JSON).body(Map.of("name", "ci", "permissions", List.of("pull", "push")))
                .post("/api/v1/projects/" + project + "/robots").then().statusCode(409).body("code", equalTo("CONFLICT"));

        Accounts.as(first[0], first[1]).get("/api/v1/users/me").then().statusCode(200).body("username", equalTo(first[0]));
        Admin.given().get("/api/v1/projects/" + project + "/robots").then().statusCode(200)
                .body("", hasSize(1)).body("[0].permissions", equalTo(List.of("pull")));
    }

    @Test
    void anAccountWhoseProjectNameIsTakenIsNotCreatedAtAll() {
        String taken = Accounts.project("taken", false);

        Admin.given().contentType(ContentType.JSON).body(Map.of("username", taken, "password", Accounts.PASSWORD))
                .post("/api/v1/users").then().statusCode(409).body("code", equalTo("CONFLICT"));

        Accounts.as(taken).get("/api/v1/users/me").then().statusCode(401);
        Admin.given().get("/api/v1/users").then().statusCode(200).body("username", not(hasItem(taken)));
        Admin.given().get("/api/v1/projects/" + taken + "/members").then().statusCode(200).body("username", equalTo(List.of(Admin.USERNAME)));
    }

    @Test
    void anAdministratorsFirstPushCreatesAPrivateProject() {
        String project = "first-push-" + Oci.suffix();
        Admin.given().get("/api/v1/projects/" + project).then().statusCode(404);

        Oci.pushImage(project + "/app", "v1");

        Admin.given().get("/api/v1/projects/" + project).then().statusCode(200)
                .body("name", equalTo(project)).body("isPublic", equalTo(false));
        Oci.anonymous().get("/v2/" + project + "/app/manifests/v1").then().statusCode(401);
    }

    @Test
    void anAdministratorsPushCreatesNoProjectWhoseNameTheGrammarRefuses() {
        // A repository path component may be one character or longer than 64; a project name may not.
        for (String project : List.of("x", "p" + "a".repeat(64))) {
            Oci.assertError(Admin.given().post("/v2/" + project + "/app/blobs/uploads/"), 400, "NAME_INVALID");
            Admin.given().get("/api/v1/projects/" + project).then().statusCode(404);
        }
    }

    @Test
    void anotherUsersPushIntoAMissingProjectIsRefusedAndCreatesNothing() {
        String user = Accounts.user("no-create");
        String project = "not-created-" + Oci.suffix();

        Oci.assertError(Accounts.as(user).post("/v2/" + project + "/app/blobs/uploads/"), 403, "DENIED");
        Oci.assertError(Accounts.as(user).contentType("application/vnd.oci.image.manifest.v1+json").body("{}")
                .put("/v2/" + project + "/app/manifests/v1"), 403, "DENIED");
        Oci.assertError(Oci.anonymous().post("/v2/" + project + "/app/blobs/uploads/"), 401, "UNAUTHORIZED");

        Admin.given().get("/api/v1/projects/" + project).then().statusCode(404);
    }

    @Test
    void credentialsThatDoNotCheckOutGetTheBasicChallengeOnTheManagementApi() {
        for (Response refused : List.of(
                Accounts.as(Admin.USERNAME, "wrong-password").get("/api/v1/projects"),
                Oci.anonymous().header("Authorization", "Basic Og==").get("/api/v1/projects"),
                Accounts.bearer("not-a-token").get("/api/v1/projects"),
                Oci.anonymous().get("/api/v1/users/me"))) {
            refused.then().statusCode(401).contentType("application/problem+json").body("code", equalTo("UNAUTHORIZED"));
            assertEquals(List.of("Basic realm=\"wharf\""), refused.headers().getValues("WWW-Authenticate"));
        }
        // An API token signs in; anonymous callers see public projects only.
        String token = Admin.given().post("/api/v1/auth/token").then().statusCode(200).extract().path("token");
        Accounts.bearer(token).get("/api/v1/users/me").then().statusCode(200).body("username", equalTo(Admin.USERNAME));
        Oci.anonymous().get("/api/v1/projects").then().statusCode(200);
    }

    @Test
    void theRegistryKeepsItsOwnChallengeWhereTheManagementApiDoesNotReach() {
        Response v2 = Accounts.as(Admin.USERNAME, "wrong-password").get("/v2/");
        v2.then().statusCode(401);
        assertEquals(1, v2.headers().getValues("WWW-Authenticate").size());
        assertEquals(true, v2.header("WWW-Authenticate").startsWith("Bearer realm="), v2.header("WWW-Authenticate"));
        Response search = Accounts.as(Admin.USERNAME, "wrong-password").get("/v1/search?q=x");
        search.then().statusCode(401);
        assertEquals(true, search.header("WWW-Authenticate").startsWith("Bearer realm="), search.header("WWW-Authenticate"));
    }
}
