package io.wharf.registry;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * {@code /api/v1/repositories/{project}/{name}}: tags with digests, sizes and platforms for an
 * image and a multi-arch index, pull counts, and who may read it and set its description and README.
 */
@QuarkusTest
class RepositoryDetailTest {

    private static RequestSpecification json(RequestSpecification r) {
        return r.contentType(ContentType.JSON);
    }

    private static Oci.Descriptor image(String repo, String arch, String variant, int layerSize) {
        String config = "{\"os\":\"linux\",\"architecture\":\"" + arch + "\"" + (variant == null ? "" : ",\"variant\":\"" + variant + "\"")
                + ",\"n\":\"" + Oci.suffix() + "\"}";
        Oci.Descriptor c = Oci.pushBlob(repo, Oci.OCI_CONFIG, Oci.utf8(config));
        Oci.Descriptor layer = Oci.pushBlob(repo, Oci.randomBytes(layerSize));
        byte[] manifest = Oci.bytes(Oci.imageManifest(Oci.OCI_MANIFEST, c, layer));
        Oci.Descriptor m = Oci.pushManifest(repo, Oci.sha256(manifest), Oci.OCI_MANIFEST, manifest);
        return new Oci.Descriptor(m.mediaType(), m.digest(), m.size() + c.size() + layer.size());
    }

    @Test
    void showsTagsWithDigestsSizesAndPlatformsOfImagesAndIndexes() {
        String project = Accounts.project("detail", true);
        String repo = project + "/tools/cli";
        Oci.Image single = Oci.pushImage(repo, "1.0");
        long singleSize = single.manifest().length + single.config().size() + single.layer().size();

        Oci.Descriptor amd = image(repo, "amd64", null, 100);
        Oci.Descriptor arm = image(repo, "arm64", "v8", 200);
        JsonArray entries = new JsonArray()
                .add(new JsonObject().put("mediaType", Oci.OCI_MANIFEST).put("digest", amd.digest()).put("size", 1)
                        .put("platform", new JsonObject().put("os", "linux").put("architecture", "amd64")))
                .add(new JsonObject().put("mediaType", Oci.OCI_MANIFEST).put("digest", arm.digest()).put("size", 1)
                        .put("platform", new JsonObject().put("os", "linux").put("architecture", "arm64").put("variant", "v8")));
        byte[] index = Oci.bytes(new JsonObject().put("schemaVersion", 2).put("mediaType", Oci.OCI_INDEX).put("manifests", entries));
        Oci.Descriptor multi = Oci.pushManifest(repo, "2.0", Oci.OCI_INDEX, index);
        // A platform image tagged on its own: its platform comes from the index that lists it.
        Oci.pushManifest(repo, "2.0-arm", Oci.OCI_MANIFEST, Oci.given().accept(Oci.OCI_MANIFEST)
                .get("/v2/" + repo + "/manifests/" + arm.digest()).then().statusCode(200).extract().asByteArray());

        Oci.anonymous().get("/api/v1/repositories/" + repo).then().statusCode(200)
                .body("name", equalTo(repo))
                .body("project", equalTo(project))
                .body("official", equalTo(false))
                .body("public", equalTo(true))
                .body("tagCount", equalTo(3))
                .body("pushedAt", notNullValue())
                .body("tags.name", contains("2.0-arm", "2.0", "1.0"))
                .body("tags[2].digest", equalTo(single.digest()))
                .body("tags[2].mediaType", equalTo(Oci.OCI_MANIFEST))
                .body("tags[2].size", equalTo((int) singleSize))
                .body("tags[2].platforms", hasSize(1))
                .body("tags[2].platforms[0].os", equalTo("linux"))
                .body("tags[2].platforms[0].architecture", equalTo("amd64"))
                .body("tags[2].platforms[0].variant", nullValue())
                .body("tags[1].digest", equalTo(multi.digest()))
                .body("tags[1].mediaType", equalTo(Oci.OCI_INDEX))
                .body("tags[1].size", equalTo((int) (index.length + amd.size() + arm.size())))
                .body("tags[1].platforms.architecture", contains("amd64", "arm64"))
                .body("tags[1].platforms[1].variant", equalTo("v8"))
                .body("tags[0].digest", equalTo(arm.digest()))
                .body("tags[0].size", equalTo((int) arm.size()))
                .body("tags[0].platforms.architecture", contains("arm64"));
    }

    @Test
    void countsPullsPerRepositoryAndTag() {
        String repo = Accounts.project("pulls", true) + "/app";
        Oci.Image image = Oci.pushImage(repo, "v1");
        Oci.pushImage(repo, "v2");
        for (int i = 0; i < 3; i++) {
            Oci.anonymous().accept(Oci.OCI_MANIFEST).get("/v2/" + repo + "/manifests/v1").then().statusCode(200);
        }
        Oci.anonymous().accept(Oci.OCI_MANIFEST).get("/v2/" + repo + "/manifests/" + image.digest()).then().statusCode(200);
        Oci.anonymous().accept(Oci.OCI_MANIFEST).head("/v2/" + repo + "/manifests/v2").then().statusCode(200);
        // Counts are written in batches (every few seconds): wait for them.
        await("pull count 4").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> Oci.anonymous().get("/api/v1/repositories/" + repo).then().statusCode(200).extract().<Integer>path("pullCount"),
                        pulls -> pulls >= 4);
        Oci.anonymous().get("/api/v1/repositories/" + repo).then().statusCode(200)
                .body("pullCount", equalTo(4))
                .body("tags.find { it.name == 'v1' }.pullCount", equalTo(4))
                .body("tags.find { it.name == 'v2' }.pullCount", equalTo(0));
        Oci.anonymous().get("/api/v1/search?kind=repository&q=" + repo).then().statusCode(200).body("items[0].pullCount", equalTo(4));
    }

    @Test
    void descriptionAndReadmeAreSetByMaintainersAndReadByPullers() {
        String project = Accounts.project("docs", false);
        String repo = project + "/service";
        Oci.pushImage(repo, "v1");
        Map<String, String> users = new java.util.LinkedHashMap<>();
        for (String role : new String[] {"projectAdmin", "maintainer", "developer", "guest", "limitedGuest"}) {
            String user = Accounts.user(role.toLowerCase());
            Accounts.member(project, user, role);
            users.put(role, user);
        }
        String outsider = Accounts.user("outsider");
        String word = "zq" + Oci.suffix();
        Map<String, Object> description = Map.of("description", "Serves the " + word + " API");

        json(Accounts.as(users.get("maintainer"))).body(description).patch("/api/v1/repositories/" + repo).then().statusCode(200)
                .body("description", equalTo("Serves the " + word + " API"));
        json(Accounts.as(users.get("developer"))).body(Map.of("description", "no")).patch("/api/v1/repositories/" + repo).then().statusCode(403);
        json(Accounts.as(users.get("guest"))).body(Map.of("description", "no")).patch("/api/v1/repositories/" + repo).then().statusCode(403);
        json(Accounts.as(outsider)).body(Map.of("description", "no")).patch("/api/v1/repositories/" + repo).then().statusCode(404);
        json(Oci.anonymous()).body(Map.of("description", "no")).patch("/api/v1/repositories/" + repo).then().statusCode(401);
        json(Admin.given()).body(Map.of("description", "x".repeat(1001))).patch("/api/v1/repositories/" + repo).then().statusCode(400)
                .body("detail", containsString("description"));

        // A README may be 256 KiB (issue 21); one byte more is refused.
        String longest = "x".repeat(256 * 1024);
        Admin.given().contentType("text/markdown").body(longest).put("/api/v1/repositories/" + repo + "/readme")
                .then().statusCode(200).body("readme", equalTo(longest));
        String readme = "# Service\n\nRun it with `docker run`.\n";
        Accounts.as(users.get("projectAdmin")).contentType("text/markdown").body(readme).put("/api/v1/repositories/" + repo + "/readme")
                .then().statusCode(200).body("readme", equalTo(readme));
        Accounts.as(users.get("developer")).contentType("text/markdown").body("no").put("/api/v1/repositories/" + repo + "/readme")
                .then().statusCode(403);
        Admin.given().contentType("text/markdown").body("x".repeat(256 * 1024 + 1)).put("/api/v1/repositories/" + repo + "/readme")
                .then().statusCode(413).body("code", equalTo("TOO_LARGE"));
        Admin.given().contentType("text/markdown").body("x").put("/api/v1/repositories/" + project + "/missing/readme")
                .then().statusCode(404);

        // Readable by every member (a limited guest pulls too), not by outsiders or anonymous callers.
        Accounts.as(users.get("limitedGuest")).get("/api/v1/repositories/" + repo).then().statusCode(200)
                .body("description", equalTo("Serves the " + word + " API")).body("readme", equalTo(readme)).body("public", equalTo(false));
        Accounts.as(outsider).get("/api/v1/repositories/" + repo).then().statusCode(404);
        Oci.anonymous().get("/api/v1/repositories/" + repo).then().statusCode(404);
        // What was refused changed nothing.
        Admin.given().get("/api/v1/repositories/" + repo).then().statusCode(200).body("description", equalTo("Serves the " + word + " API"));
        // Words of the description find the repository, for those who may pull it.
        Accounts.as(users.get("guest")).get("/api/v1/search?q=" + word).then().statusCode(200).body("items.name", contains(repo));
        Oci.anonymous().get("/api/v1/search?q=" + word).then().statusCode(200).body("total", equalTo(0));
    }

    @Test
    void unknownRepositoryIs404() {
        String project = Accounts.project("none", true);
        Oci.anonymous().get("/api/v1/repositories/" + project + "/nothing/here").then().statusCode(404).body("code", equalTo("NOT_FOUND"));
        Oci.anonymous().get("/api/v1/repositories/no-such-project-" + Oci.suffix() + "/x").then().statusCode(404);
        Oci.anonymous().get("/api/v1/repositories/" + project + "/x?tagLimit=0").then().statusCode(400);
    }
}
