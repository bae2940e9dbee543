package io.wharf.registry;

import static io.wharf.registry.Oci.OCI_CONFIG;
import static io.wharf.registry.Oci.OCI_LAYER;
import static io.wharf.registry.Oci.OCI_MANIFEST;
import static io.wharf.registry.Oci.assertError;
import static io.wharf.registry.Oci.bytes;
import static io.wharf.registry.Oci.given;
import static io.wharf.registry.Oci.imageManifest;
import static io.wharf.registry.Oci.pushBlob;
import static io.wharf.registry.Oci.pushImage;
import static io.wharf.registry.Oci.pushManifest;
import static io.wharf.registry.Oci.putManifest;
import static io.wharf.registry.Oci.randomBytes;
import static io.wharf.registry.Oci.utf8;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Tag immutability: rules per project, what the registry refuses because of them (moving or deleting a
 * protected tag, DENIED naming the rule, nothing changed), what it still allows (the same digest again, new
 * tags, exempt tags), who manages the rules, and the system administrators' break-glass deletion.
 */
@QuarkusTest
class TagImmutabilityTest {

    private static String rules(String project) {
        return "/api/v1/projects/" + project + "/immutability-rules";
    }

    /** Creates a rule as the administrator; returns its id. */
    private static long rule(String project, Map<String, Object> body) {
        return Admin.given().contentType(ContentType.JSON).body(body).post(rules(project))
                .then().statusCode(201).extract().jsonPath().getLong("id");
    }

    /** Blobs of a new image pushed to the repository; returns its manifest's bytes, not yet pushed. */
    private static byte[] unpushedImage(String repo) {
        Oci.Descriptor config = pushBlob(repo, OCI_CONFIG, utf8("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":\"" + Oci.suffix() + "\"}"));
        Oci.Descriptor layer = pushBlob(repo, OCI_LAYER, randomBytes(64));
        return bytes(imageManifest(OCI_MANIFEST, config, layer));
    }

    private static String digestOf(String repo, String tag) {
        return given().head("/v2/" + repo + "/manifests/" + tag).then().statusCode(200).extract().header("Docker-Content-Digest");
    }

    private static List<Map<String, Object>> events(String repo, String type) {
        return given().queryParam("repository", repo).queryParam("type", type).get("/api/v1/events")
                .then().statusCode(200).extract().jsonPath().getList("events");
    }

    private static void assertImmutable(Response response, String repo, String tag, long rule, String summary) {
        assertError(response, 403, "DENIED")
                .body("errors[0].message", equalTo("tag " + repo + ":" + tag + " is immutable (rule " + rule + ": " + summary + ")"));
    }

    // ------------------------------------------------------------- enforcement

    @Test
    void refusesMovingAnImmutableTagNamingTheRuleAndTheTagKeepsItsDigest() {
        String project = Accounts.project("immut", false);
        String repo = project + "/api";
        Oci.Image released = pushImage(repo, "v1.0.0");
        long id = rule(project, Map.of("tags", List.of("v*"), "description", "releases are final"));

        byte[] other = unpushedImage(repo);
        assertImmutable(putManifest(repo, "v1.0.0", OCI_MANIFEST, other), repo, "v1.0.0", id, "tags v* in " + project + "/**");
        assertEquals(released.digest(), digestOf(repo, "v1.0.0"));
        assertEquals(List.of(), events(repo, "tag.updated"), "a refused push records no event");

        // The same digest again is no move (docker pushes do this); a new tag may be set once.
        pushManifest(repo, "v1.0.0", OCI_MANIFEST, released.manifest());
        Oci.Descriptor second = pushManifest(repo, "v2.0.0", OCI_MANIFEST, other);
        assertEquals(second.digest(), digestOf(repo, "v2.0.0"));
        // Retagging: putting another manifest under an existing immutable tag.
        assertImmutable(putManifest(repo, "v2.0.0", OCI_MANIFEST, released.manifest()), repo, "v2.0.0", id, "tags v* in " + project + "/**");
        assertEquals(second.digest(), digestOf(repo, "v2.0.0"));
        // Tags no rule matches move as before.
        pushImage(repo, "dev");
        pushImage(repo, "dev");
    }

    @Test
    void concurrentFirstPushesOfAnImmutableTagSetItOnce() {
        String project = Accounts.project("immut-race", false);
        String repo = project + "/api";
        rule(project, Map.of("tags", List.of("v*")));
        pushImage(repo, "dev"); // the repository's first manifest: pushes after it do not wait for one another
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            images.add(unpushedImage(repo));
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create("http://127.0.0.1:" + RestAssured.port + "/v2/" + repo + "/manifests/v1.0.0");
        List<HttpResponse<String>> answers = images.stream()
                .map(body -> http.sendAsync(Admin.request(uri).header("Content-Type", OCI_MANIFEST)
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString()))
                .toList().stream().map(java.util.concurrent.CompletableFuture::join).toList();
        List<Integer> created = answers.stream().map(HttpResponse::statusCode).filter(status -> status == 201).toList();
        assertEquals(1, created.size(), answers.stream().map(HttpResponse::statusCode).toList().toString());
        assertEquals(7, answers.stream().filter(a -> a.statusCode() == 403 && a.body().contains("is immutable")).count());
        String winner = answers.stream().filter(a -> a.statusCode() == 201).findFirst().orElseThrow()
                .headers().firstValue("Docker-Content-Digest").orElseThrow();
        assertEquals(winner, digestOf(repo, "v1.0.0"));
        assertEquals(1, given().queryParam("repository", repo).queryParam("tag", "v1.0.0").queryParam("type", "tag.created")
                .get("/api/v1/events").then().statusCode(200).extract().jsonPath().getList("events").size());
        assertEquals(List.of(), events(repo, "tag.updated"));
    }

    @Test
    void refusesDeletingAnImmutableTagOrTheManifestItPointsAt() {
        String project = Accounts.project("immut-del", false);
        String repo = project + "/api";
        Oci.Image released = pushImage(repo, "1.0.0");
        long id = rule(project, Map.of("repositories", List.of(project + "/api"), "tags", List.of("?.?.?")));

        String summary = "tags ?.?.? in " + project + "/api";
        assertImmutable(given().delete("/v2/" + repo + "/manifests/1.0.0"), repo, "1.0.0", id, summary);
        assertImmutable(given().delete("/v2/" + repo + "/manifests/" + released.digest()), repo, "1.0.0", id, summary);
        assertEquals(released.digest(), digestOf(repo, "1.0.0"));
        assertEquals(List.of(), events(repo, "tag.deleted"));
        assertEquals(List.of(), events(repo, "artifact.deleted"));

        // Out of the rule's repositories, the same tag deletes.
        String web = project + "/web";
        Oci.Image elsewhere = pushImage(web, "1.0.0");
        given().delete("/v2/" + web + "/manifests/1.0.0").then().statusCode(202);
        given().delete("/v2/" + web + "/manifests/" + elsewhere.digest()).then().statusCode(202);
    }

    @Test
    void excludedTagsAndSignatureTagsStayMovable() {
        String project = Accounts.project("immut-ex", false);
        String repo = project + "/api";
        long id = rule(project, Map.of("tags", List.of("latest", "*-SNAPSHOT"), "tagMatch", "exclude"));
        for (String tag : List.of("latest", "2.1-SNAPSHOT", "sha256-" + "ab".repeat(32) + ".sig", "sha256-" + "cd".repeat(32) + ".att")) {
            pushImage(repo, tag);
            Oci.Image moved = pushImage(repo, tag);
            assertEquals(moved.digest(), digestOf(repo, tag), tag + " moved");
            given().delete("/v2/" + repo + "/manifests/" + tag).then().statusCode(202);
        }
        pushImage(repo, "2.1");
        assertImmutable(putManifest(repo, "2.1", OCI_MANIFEST, unpushedImage(repo)), repo, "2.1", id,
                "tags except latest, *-SNAPSHOT in " + project + "/**");

        // A rule may include signature tags.
        String signature = "sha256-" + "ef".repeat(32) + ".sig";
        pushImage(repo + "-signed", signature);
        long signed = rule(project, Map.of("repositories", List.of(project + "/api-signed"), "tags", List.of("*.sig"), "includeSignatureTags", true));
        assertImmutable(putManifest(repo + "-signed", signature, OCI_MANIFEST, unpushedImage(repo + "-signed")), repo + "-signed", signature,
                signed, "tags *.sig in " + project + "/api-signed, signature tags included");
    }

    @Test
    void regexRulesExcludedRepositoriesAndDisabledRules() {
        String project = Accounts.project("immut-re", false);
        Map<String, Object> body = new HashMap<>(Map.of("tags", List.of("v\\d+\\.\\d+\\.\\d+"), "tagPatternSyntax", "regex",
                "repositories", List.of(project + "/scratch-*"), "repositoryMatch", "exclude"));
        long id = rule(project, body);
        String repo = project + "/api";
        pushImage(repo, "v1.2.3");
        pushImage(repo, "v1.2");
        pushImage(repo, "v1.2");
        assertImmutable(putManifest(repo, "v1.2.3", OCI_MANIFEST, unpushedImage(repo)), repo, "v1.2.3", id,
                "tags matching regex v\\d+\\.\\d+\\.\\d+ in repositories of " + project + " except " + project + "/scratch-*");
        pushImage(project + "/scratch-1", "v1.2.3");
        pushImage(project + "/scratch-1", "v1.2.3");

        // Disabled, the rule protects nothing, at once; enabled again, it does; deleted, it does not.
        body.put("enabled", false);
        Admin.given().contentType(ContentType.JSON).body(body).put(rules(project) + "/" + id).then().statusCode(200).body("enabled", equalTo(false));
        pushImage(repo, "v1.2.3");
        body.put("enabled", true);
        Admin.given().contentType(ContentType.JSON).body(body).put(rules(project) + "/" + id).then().statusCode(200);
        assertError(putManifest(repo, "v1.2.3", OCI_MANIFEST, unpushedImage(repo)), 403, "DENIED");
        Admin.given().delete(rules(project) + "/" + id).then().statusCode(204);
        pushImage(repo, "v1.2.3");
    }

    // ------------------------------------------------------------- management

    @Test
    void projectAdminsManageRulesMembersReadThemOthersAreRefused() {
        String project = Accounts.project("immut-crud", false);
        String theirs = Accounts.project("immut-other", false);
        Map<String, String> users = new HashMap<>();
        for (String role : List.of("projectAdmin", "maintainer", "developer", "guest", "limitedGuest")) {
            String user = Accounts.user(role.toLowerCase());
            Accounts.member(project, user, role);
            users.put(role, user);
        }
        String otherAdmin = Accounts.user("otheradmin");
        Accounts.member(theirs, otherAdmin, "projectAdmin");
        Map<String, Object> body = Map.of("tags", List.of("v*"));

        RequestSpecification admin = Accounts.as(users.get("projectAdmin"));
        long id = admin.contentType(ContentType.JSON).body(body).post(rules(project)).then().statusCode(201)
                .body("summary", equalTo("tags v* in " + project + "/**")).body("createdBy", equalTo(users.get("projectAdmin")))
                .body("repositoryMatch", equalTo("include")).body("tagPatternSyntax", equalTo("glob"))
                .extract().jsonPath().getLong("id");
        Accounts.as(users.get("projectAdmin")).contentType(ContentType.JSON).body(Map.of("tags", List.of("v*", "release-*")))
                .put(rules(project) + "/" + id).then().statusCode(200).body("tags", equalTo(List.of("v*", "release-*")));

        for (String role : List.of("maintainer", "developer", "guest")) {
            Accounts.as(users.get(role)).get(rules(project)).then().statusCode(200).body("id", equalTo(List.of((int) id)));
            Accounts.as(users.get(role)).contentType(ContentType.JSON).body(body).post(rules(project)).then().statusCode(403)
                    .body("code", equalTo("DENIED"));
            Accounts.as(users.get(role)).contentType(ContentType.JSON).body(body).put(rules(project) + "/" + id).then().statusCode(403);
            Accounts.as(users.get(role)).delete(rules(project) + "/" + id).then().statusCode(403);
        }
        Accounts.as(users.get("limitedGuest")).get(rules(project)).then().statusCode(403);
        // Another project's admin does not even learn that the project exists; anonymous callers must sign in.
        Accounts.as(otherAdmin).get(rules(project)).then().statusCode(404);
        Accounts.as(otherAdmin).contentType(ContentType.JSON).body(body).post(rules(project)).then().statusCode(404);
        Accounts.as(otherAdmin).delete(rules(project) + "/" + id).then().statusCode(404);
        Oci.anonymous().contentType(ContentType.JSON).body(body).post(rules(project)).then().statusCode(401);
        Oci.anonymous().delete(rules(project) + "/" + id).then().statusCode(401);
        Oci.anonymous().get(rules(project)).then().statusCode(404);
        // A rule id of another project is not found here.
        long foreign = rule(theirs, body);
        admin = Accounts.as(users.get("projectAdmin"));
        admin.delete(rules(project) + "/" + foreign).then().statusCode(404);
        Admin.given().get(rules(theirs)).then().statusCode(200).body("id", equalTo(List.of((int) foreign)));

        Admin.given().get(rules(project)).then().statusCode(200).body("tags[0]", equalTo(List.of("v*", "release-*")));
        Accounts.as(users.get("projectAdmin")).delete(rules(project) + "/" + id).then().statusCode(204);
        Admin.given().get(rules(project)).then().statusCode(200).body("size()", equalTo(0));

        Map<String, Object> audit = Admin.given().queryParam("action", "immutability-rule.created").queryParam("project", project)
                .get("/api/v1/audit").then().statusCode(200).extract().jsonPath().getMap("records[0]");
        assertEquals(users.get("projectAdmin"), audit.get("actor"));
        assertEquals("projectAdmin", audit.get("role"));
        assertEquals("immutability-rule:" + id, audit.get("subject"));
        for (String action : List.of("immutability-rule.changed", "immutability-rule.deleted")) {
            Admin.given().queryParam("action", action).queryParam("project", project).get("/api/v1/audit").then().statusCode(200)
                    .body("records.size()", equalTo(1));
        }
    }

    @Test
    void refusesBadRulesWith400AndChangesNothing() {
        String project = Accounts.project("immut-bad", false);
        long id = rule(project, Map.of("tags", List.of("v*")));
        List<Map<String, Object>> bad = List.of(
                Map.of(),
                Map.of("tags", List.of()),
                Map.of("tags", List.of("x".repeat(257))),
                Map.of("tags", List.of("(?=v)1"), "tagPatternSyntax", "regex"),
                Map.of("tags", List.of("(a"), "tagPatternSyntax", "regex"),
                Map.of("tags", List.of("v*"), "tagPatternSyntax", "wildcard"),
                Map.of("tags", List.of("v*"), "tagMatch", "sometimes"),
                Map.of("tags", List.of("v*"), "repositories", List.of("elsewhere/**")),
                Map.of("tags", List.of("v*"), "repositories", List.of(project + "//x")),
                Map.of("tags", List.of("v*"), "repositoryMatch", "exclude"),
                Map.of("tags", List.of("v*"), "description", "d".repeat(1025)));
        for (Map<String, Object> body : bad) {
            Admin.given().contentType(ContentType.JSON).body(body).post(rules(project)).then().statusCode(400)
                    .contentType("application/problem+json").body("detail", org.hamcrest.Matchers.not(org.hamcrest.Matchers.emptyOrNullString()));
            Admin.given().contentType(ContentType.JSON).body(body).put(rules(project) + "/" + id).then().statusCode(400);
        }
        Admin.given().contentType(ContentType.JSON).body(Map.of("tags", List.of("(?=v)1"), "tagPatternSyntax", "regex"))
                .post(rules(project)).then().body("detail", containsString("lookahead"));
        for (String body : List.of("{\"tags\": \"v*\"}", "{\"tags\": [\"v*\"", "")) {
            Admin.given().contentType(ContentType.JSON).body(body).post(rules(project)).then().statusCode(400)
                    .contentType("application/problem+json");
        }
        Admin.given().get(rules(project)).then().statusCode(200).body("id", equalTo(List.of((int) id)))
                .body("tags[0]", equalTo(List.of("v*")));
        Admin.given().contentType(ContentType.JSON).body(Map.of("tags", List.of("v*"))).put(rules(project) + "/999999999").then().statusCode(404);
    }

    // ------------------------------------------------------------- break-glass

    @Test
    void aSystemAdministratorDeletesAnImmutableTagBreakingGlassAudited() {
        String project = Accounts.project("immut-bg", false);
        String repo = project + "/api";
        Oci.Image released = pushImage(repo, "v1.0.0");
        long id = rule(project, Map.of("tags", List.of("v*")));
        String projectAdmin = Accounts.user("bgadmin");
        Accounts.member(project, projectAdmin, "projectAdmin");
        String path = "/api/v1/projects/" + project + "/repositories/api/tags/v1.0.0";

        Accounts.as(projectAdmin).queryParam("override", "immutability").delete(path).then().statusCode(403).body("code", equalTo("DENIED"));
        Oci.anonymous().queryParam("override", "immutability").delete(path).then().statusCode(401);
        Admin.given().delete(path).then().statusCode(400);
        assertEquals(released.digest(), digestOf(repo, "v1.0.0"));

        Admin.given().queryParam("override", "immutability").delete(path).then().statusCode(204);
        given().get("/v2/" + repo + "/manifests/v1.0.0").then().statusCode(404);
        given().get("/v2/" + repo + "/manifests/" + released.digest()).then().statusCode(200);
        Admin.given().queryParam("override", "immutability").delete(path).then().statusCode(404);

        List<Map<String, Object>> deleted = events(repo, "tag.deleted");
        assertEquals(1, deleted.size(), deleted.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) deleted.get(0).get("data");
        assertEquals("break-glass", data.get("reason"));
        assertEquals("v1.0.0", data.get("tag"));

        List<Map<String, Object>> audit = Admin.given().queryParam("action", "tag.immutability-overridden").queryParam("project", project)
                .get("/api/v1/audit").then().statusCode(200).extract().jsonPath().getList("records");
        assertEquals(1, audit.size(), audit.toString());
        assertEquals(Admin.USERNAME, audit.get(0).get("actor"));
        assertEquals(repo + ":v1.0.0", audit.get(0).get("subject"));
        assertEquals("rule " + id + ": tags v* in " + project + "/**", ((Map<?, ?>) audit.get(0).get("summary")).get("rule"));
    }
}
