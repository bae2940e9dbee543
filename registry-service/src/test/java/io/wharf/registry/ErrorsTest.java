package io.wharf.registry;

import static io.wharf.registry.Oci.OCI_MANIFEST;
import static io.wharf.registry.Oci.assertError;
import static io.wharf.registry.Oci.given;
import static io.wharf.registry.Oci.pushImage;
import static io.wharf.registry.Oci.putManifest;
import static io.wharf.registry.Oci.raw;
import static io.wharf.registry.Oci.repo;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.wharf.registry.Oci.Image;
import io.wharf.registry.Oci.RawResponse;

/** The base endpoint, name and tag grammars, unsupported requests, and the shape of every error. */
@QuarkusTest
class ErrorsTest {

    /** Checks a raw response is a spec error with this status and code. */
    private static void assertRawError(RawResponse response, int status, String code) {
        assertEquals(status, response.status(), response.text());
        assertTrue(String.valueOf(response.header("Content-Type")).startsWith("application/json"), response.headers() + " " + response.text());
        assertEquals("registry/2.0", response.header("Docker-Distribution-API-Version"));
        JsonArray errors = new JsonObject(response.text()).getJsonArray("errors");
        assertEquals(1, errors.size(), response.text());
        assertEquals(code, errors.getJsonObject(0).getString("code"), response.text());
    }

    @Test
    void answersTheBaseEndpoint() {
        given().get("/v2/").then().statusCode(200)
                .header("Docker-Distribution-API-Version", "registry/2.0")
                .contentType("application/json");
        given().get("/v2").then().statusCode(200).header("Docker-Distribution-API-Version", "registry/2.0");
        given().head("/v2/").then().statusCode(200).header("Docker-Distribution-API-Version", "registry/2.0");
    }

    @Test
    void writesErrorsInTheSpecShape() {
        JsonObject body = new JsonObject(given().get("/v2/" + repo("shape") + "/manifests/missing")
                .then().statusCode(404).contentType("application/json").extract().asString());
        JsonArray errors = body.getJsonArray("errors");
        assertEquals(1, errors.size());
        JsonObject error = errors.getJsonObject(0);
        assertEquals("MANIFEST_UNKNOWN", error.getString("code"));
        assertEquals("manifest unknown to registry", error.getString("message"));
        assertTrue(error.containsKey("detail"));
    }

    // ------------------------------------------------------------------ names

    @Test
    void rejectsUppercaseRepositoryNames() {
        assertError(given().get("/v2/Team/App/tags/list"), 400, "NAME_INVALID");
        assertError(given().get("/v2/team/App/manifests/latest"), 400, "NAME_INVALID");
        assertError(given().post("/v2/TEAM/app/blobs/uploads/"), 400, "NAME_INVALID");
        assertError(given().get("/v2/team/App/blobs/" + Oci.unknownDigest()), 400, "NAME_INVALID");
        assertError(given().get("/v2/team/App/referrers/" + Oci.unknownDigest()), 400, "NAME_INVALID");
    }

    @Test
    void rejectsDotDotAndEmptyComponentsInNames() throws IOException {
        assertRawError(raw("GET", "/v2/team/../app/tags/list"), 400, "NAME_INVALID");
        assertRawError(raw("GET", "/v2/team/%2e%2e/app/tags/list"), 400, "NAME_INVALID");
        assertRawError(raw("GET", "/v2/team//tags/list"), 400, "NAME_INVALID");
        assertRawError(raw("GET", "/v2/team//app/manifests/latest"), 400, "NAME_INVALID");
        assertRawError(raw("POST", "/v2//team/app/blobs/uploads/"), 400, "NAME_INVALID");
    }

    @Test
    void rejectsNamesOutsideTheGrammar() throws IOException {
        assertError(given().get("/v2/-team/app/tags/list"), 400, "NAME_INVALID");
        assertError(given().get("/v2/team/app_/tags/list"), 400, "NAME_INVALID");
        assertError(given().get("/v2/team/a..b/tags/list"), 400, "NAME_INVALID");
        assertRawError(raw("GET", "/v2/team/a%20b/tags/list"), 400, "NAME_INVALID");
        assertError(given().get("/v2/team/" + "a".repeat(251) + "/tags/list"), 400, "NAME_INVALID");
    }

    @Test
    void rejectsAMalformedPercentEscapeWithA400() throws IOException {
        // Quarkus refuses such a URI before any route sees it (a 400 without a body), which is fine.
        for (String target : new String[] {"/v2/team/a%zzb/tags/list", "/v2/team/app/manifests/v%", "/v2/%"}) {
            assertEquals(400, raw("GET", target).status(), target);
        }
        given().get("/v2/").then().statusCode(200);
    }

    @Test
    void keepsAnEncodedSlashInsideItsPathSegment() {
        String repo = repo("slash");
        assertError(given().get("/v2/" + repo + "/blobs/uploads/..%2F..%2Fblobs"), 404, "BLOB_UPLOAD_UNKNOWN");
        // No valid tag holds a slash, so no manifest has this one.
        assertError(given().get("/v2/" + repo + "/manifests/v1%2Fmanifests%2Flatest"), 404, "MANIFEST_UNKNOWN");
        assertError(given().get("/v2/" + repo + "/referrers/sha256%2F" + "0".repeat(64)), 400, "DIGEST_INVALID");
    }

    @Test
    void acceptsNamesTheGrammarAllows() {
        String base = "ok-" + Oci.suffix();
        for (String name : new String[] {base + "/a.b", base + "/a__b", base + "/a---b", base + "/x/y/z", base + "/" + "a".repeat(200)}) {
            given().post("/v2/" + name + "/blobs/uploads/").then().statusCode(202);
        }
    }

    @Test
    void rejectsInvalidTagsAndCreatesNothing() {
        String repo = repo("tags");
        Image image = pushImage(repo, "ok");
        for (String tag : new String[] {"-bad", ".bad", "a".repeat(129), "b@d"}) {
            assertError(putManifest(repo, tag, OCI_MANIFEST, image.manifest()), 400, "TAG_INVALID");
        }
        // Reading by a reference that is no valid tag finds nothing, as the conformance suite expects
        // (a 404); deleting by one is refused as malformed.
        assertError(given().get("/v2/" + repo + "/manifests/-bad"), 404, "MANIFEST_UNKNOWN");
        given().head("/v2/" + repo + "/manifests/.INVALID_MANIFEST_NAME").then().statusCode(404);
        assertError(given().delete("/v2/" + repo + "/manifests/-bad"), 400, "TAG_INVALID");
        given().get("/v2/" + repo + "/tags/list").then().statusCode(200).body("tags", contains("ok"));
        // The longest tag the grammar allows is fine.
        String longest = "_" + "a".repeat(127);
        putManifest(repo, longest, OCI_MANIFEST, image.manifest()).then().statusCode(201);
    }

    @Test
    void rejectsAMalformedMountRequest() {
        String repo = repo("mount");
        assertError(given().queryParam("mount", "sha256:nope").queryParam("from", repo("src")).post("/v2/" + repo + "/blobs/uploads/"),
                400, "DIGEST_INVALID");
        assertError(given().queryParam("mount", Oci.unknownDigest()).queryParam("from", "Bad/Name").post("/v2/" + repo + "/blobs/uploads/"),
                400, "NAME_INVALID");
    }

    // --------------------------------------------------------------- requests

    @Test
    void answersUnsupportedMethodsWithUnsupported() {
        String repo = repo("methods");
        assertError(given().post("/v2/" + repo + "/manifests/latest"), 405, "UNSUPPORTED");
        assertError(given().put("/v2/" + repo + "/blobs/" + Oci.unknownDigest()), 405, "UNSUPPORTED");
        assertError(given().post("/v2/" + repo + "/tags/list"), 405, "UNSUPPORTED");
        assertError(given().delete("/v2/_catalog"), 405, "UNSUPPORTED");
        assertError(given().patch("/v2/" + repo + "/blobs/uploads/"), 405, "UNSUPPORTED");
        assertError(given().delete("/v2/" + repo + "/referrers/" + Oci.unknownDigest()), 405, "UNSUPPORTED");
        assertError(given().post("/v2/"), 405, "UNSUPPORTED");
    }

    @Test
    void answersUnknownEndpointsWithAJsonError() {
        String repo = repo("endpoints");
        for (String path : new String[] {"/v2/" + repo + "/nothing", "/v2/" + repo + "/tags/list/extra", "/v2/_catalog/x"}) {
            given().get(path).then().statusCode(404).contentType("application/json")
                    .header("Docker-Distribution-API-Version", "registry/2.0")
                    .body("errors[0].code", not(emptyOrNullString()));
        }
    }

    @Test
    void neverAnswersOddRequestsWithA500() throws IOException {
        String repo = repo("odd");
        String[] targets = {
                "/v2/" + repo + "/manifests/",
                "/v2/" + repo + "/blobs/",
                "/v2/" + repo + "/referrers/",
                "/v2/" + repo + "/blobs/uploads/%00",
                "/v2/" + repo + "/manifests/sha256:",
                "/v2/" + repo + "/manifests/sha256%3A" + "0".repeat(64),
                "/v2/" + repo + "/blobs/sha512:" + "0".repeat(64),
                "/v2/" + repo + "/tags/list?n=99999999999999999999",
                "/v2/_catalog?n=1e3",
                "/v2/" + repo + "/blobs/uploads/?digest=",
                "/v2/" + repo + "/blobs/uploads/?mount=",
        };
        for (String target : targets) {
            for (String method : new String[] {"GET", "HEAD", "PUT", "POST", "DELETE", "PATCH"}) {
                RawResponse response = raw(method, target);
                assertTrue(response.status() < 500, method + " " + target + " -> " + response.status() + " " + response.text());
                assertEquals("registry/2.0", response.header("Docker-Distribution-API-Version"),
                        method + " " + target + " -> " + response.status() + " " + response.headers() + " " + response.text());
            }
        }
    }
}
