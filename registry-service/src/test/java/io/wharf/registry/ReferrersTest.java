package io.wharf.registry;

import static io.wharf.registry.Oci.OCI_EMPTY;
import static io.wharf.registry.Oci.OCI_INDEX;
import static io.wharf.registry.Oci.OCI_MANIFEST;
import static io.wharf.registry.Oci.assertError;
import static io.wharf.registry.Oci.bytes;
import static io.wharf.registry.Oci.given;
import static io.wharf.registry.Oci.imageManifest;
import static io.wharf.registry.Oci.pushBlob;
import static io.wharf.registry.Oci.pushImage;
import static io.wharf.registry.Oci.putManifest;
import static io.wharf.registry.Oci.repo;
import static io.wharf.registry.Oci.sha256;
import static io.wharf.registry.Oci.utf8;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import io.wharf.registry.Oci.Descriptor;
import io.wharf.registry.Oci.Image;

/** The referrers API: subjects recorded on PUT, {@code OCI-Subject}, listing and filtering. */
@QuarkusTest
class ReferrersTest {

    private static final String SBOM = "application/vnd.example.sbom.v1";
    private static final String SIGNATURE = "application/vnd.example.signature+json";

    /** An artifact manifest whose type is its {@code artifactType} field (config is the empty descriptor). */
    private static byte[] artifactWithTypeField(String repo, Descriptor subject, String artifactType, String note) {
        Descriptor empty = pushBlob(repo, OCI_EMPTY, utf8("{}"));
        Descriptor layer = pushBlob(repo, "application/octet-stream", utf8("payload " + note));
        return bytes(imageManifest(OCI_MANIFEST, empty, layer)
                .put("artifactType", artifactType)
                .put("subject", subject.json())
                .put("annotations", new JsonObject().put("org.example.note", note)));
    }

    /** An artifact manifest whose type is its config's media type. */
    private static byte[] artifactWithTypedConfig(String repo, Descriptor subject, String artifactType, String note) {
        Descriptor config = pushBlob(repo, artifactType, utf8("{\"note\":\"" + note + "\"}"));
        return bytes(imageManifest(OCI_MANIFEST, config)
                .put("subject", subject.json())
                .put("annotations", new JsonObject().put("org.example.note", note)));
    }

    private static String put(String repo, String reference, String mediaType, byte[] manifest, String expectedSubject) {
        String digest = sha256(manifest);
        putManifest(repo, reference, mediaType, manifest).then().statusCode(201)
                .header("Docker-Content-Digest", digest)
                .header("OCI-Subject", expectedSubject);
        return digest;
    }

    @Test
    void answersOciSubjectOnThePutOfAManifestWithASubject() {
        String repo = repo("subject");
        Image image = pushImage(repo, "v1");
        byte[] signature = artifactWithTypeField(repo, image.descriptor(), SIGNATURE, "sig");
        put(repo, sha256(signature), OCI_MANIFEST, signature, image.digest());
    }

    @Test
    void listsReferrersWithTheirArtifactTypesAndAnnotations() {
        String repo = repo("referrers");
        Image image = pushImage(repo, "v1");
        byte[] signature = artifactWithTypeField(repo, image.descriptor(), SIGNATURE, "sig");
        byte[] sbom = artifactWithTypedConfig(repo, image.descriptor(), SBOM, "sbom");
        String signatureDigest = put(repo, sha256(signature), OCI_MANIFEST, signature, image.digest());
        String sbomDigest = put(repo, "sbom", OCI_MANIFEST, sbom, image.digest());

        given().get("/v2/" + repo + "/referrers/" + image.digest()).then().statusCode(200)
                .header("Content-Type", OCI_INDEX)
                .header("OCI-Filters-Applied", nullValue())
                .body("schemaVersion", equalTo(2))
                .body("mediaType", equalTo(OCI_INDEX))
                .body("manifests", hasSize(2))
                .body("manifests.digest", containsInAnyOrder(signatureDigest, sbomDigest))
                .body("manifests.find { it.digest == '" + signatureDigest + "' }.artifactType", equalTo(SIGNATURE))
                .body("manifests.find { it.digest == '" + signatureDigest + "' }.mediaType", equalTo(OCI_MANIFEST))
                .body("manifests.find { it.digest == '" + signatureDigest + "' }.size", equalTo(signature.length))
                .body("manifests.find { it.digest == '" + signatureDigest + "' }.annotations['org.example.note']", equalTo("sig"))
                .body("manifests.find { it.digest == '" + sbomDigest + "' }.artifactType", equalTo(SBOM))
                .body("manifests.find { it.digest == '" + sbomDigest + "' }.annotations['org.example.note']", equalTo("sbom"));
    }

    @Test
    void filtersReferrersByArtifactType() {
        String repo = repo("filter");
        Image image = pushImage(repo, "v1");
        byte[] signature = artifactWithTypeField(repo, image.descriptor(), SIGNATURE, "sig");
        byte[] sbom = artifactWithTypedConfig(repo, image.descriptor(), SBOM, "sbom");
        String signatureDigest = put(repo, sha256(signature), OCI_MANIFEST, signature, image.digest());
        String sbomDigest = put(repo, sha256(sbom), OCI_MANIFEST, sbom, image.digest());

        // The '+' of a media type must be sent percent-encoded in a query.
        given().get("/v2/" + repo + "/referrers/" + image.digest() + "?artifactType=" + SIGNATURE.replace("+", "%2B"))
                .then().statusCode(200)
                .header("Content-Type", OCI_INDEX)
                .header("OCI-Filters-Applied", "artifactType")
                .body("manifests.digest", contains(signatureDigest));
        given().queryParam("artifactType", SBOM).get("/v2/" + repo + "/referrers/" + image.digest())
                .then().statusCode(200)
                .header("OCI-Filters-Applied", "artifactType")
                .body("manifests.digest", contains(sbomDigest));
        given().queryParam("artifactType", "application/vnd.example.none").get("/v2/" + repo + "/referrers/" + image.digest())
                .then().statusCode(200)
                .header("OCI-Filters-Applied", "artifactType")
                .body("manifests", empty());
    }

    @Test
    void listsAnIndexThatHasASubject() {
        String repo = repo("index-referrer");
        Image image = pushImage(repo, "v1");
        Image child = pushImage(repo, "child");
        byte[] index = bytes(Oci.index(OCI_INDEX, child.descriptor())
                .put("artifactType", SBOM)
                .put("subject", image.descriptor().json()));
        String digest = put(repo, "bundle", OCI_INDEX, index, image.digest());
        given().get("/v2/" + repo + "/referrers/" + image.digest()).then().statusCode(200)
                .body("manifests.digest", contains(digest))
                .body("manifests[0].mediaType", equalTo(OCI_INDEX))
                .body("manifests[0].artifactType", equalTo(SBOM));
    }

    @Test
    void acceptsAReferrerBeforeItsSubjectExists() {
        String repo = repo("early");
        Descriptor subject = new Descriptor(OCI_MANIFEST, Oci.unknownDigest(), 321);
        byte[] signature = artifactWithTypeField(repo, subject, SIGNATURE, "early");
        String digest = put(repo, sha256(signature), OCI_MANIFEST, signature, subject.digest());
        given().get("/v2/" + repo + "/referrers/" + subject.digest()).then().statusCode(200)
                .body("manifests.digest", contains(digest));
    }

    @Test
    void answersAnEmptyIndexWhenNothingRefers() {
        String repo = repo("none");
        Image image = pushImage(repo, "v1");
        for (String path : new String[] {
                "/v2/" + repo + "/referrers/" + image.digest(),
                "/v2/" + repo + "/referrers/" + Oci.unknownDigest(),
                "/v2/" + repo("no-such-repo") + "/referrers/" + image.digest()}) {
            given().get(path).then().statusCode(200)
                    .header("Content-Type", OCI_INDEX)
                    .body("schemaVersion", equalTo(2))
                    .body("mediaType", equalTo(OCI_INDEX))
                    .body("manifests", empty());
        }
    }

    @Test
    void rejectsAnInvalidDigest() {
        String repo = repo("bad");
        assertError(given().get("/v2/" + repo + "/referrers/sha256:abc"), 400, "DIGEST_INVALID");
        assertError(given().get("/v2/" + repo + "/referrers/latest"), 400, "DIGEST_INVALID");
    }

    @Test
    void onlyListsReferrersOfTheSameRepository() {
        String a = repo("ref-a");
        String b = repo("ref-b");
        Image image = pushImage(a, "v1");
        byte[] signature = artifactWithTypeField(b, image.descriptor(), SIGNATURE, "elsewhere");
        put(b, "sig", OCI_MANIFEST, signature, image.digest());
        given().get("/v2/" + a + "/referrers/" + image.digest()).then().statusCode(200).body("manifests", empty());
    }

    @Test
    void dropsAReferrerOnceItIsDeleted() {
        String repo = repo("deleted-referrer");
        Image image = pushImage(repo, "v1");
        byte[] signature = artifactWithTypeField(repo, image.descriptor(), SIGNATURE, "gone");
        String digest = put(repo, sha256(signature), OCI_MANIFEST, signature, image.digest());
        given().delete("/v2/" + repo + "/manifests/" + digest).then().statusCode(202);
        given().get("/v2/" + repo + "/referrers/" + image.digest()).then().statusCode(200).body("manifests", empty());
    }

    @Test
    void omitsOciSubjectWhenTheManifestHasNoSubject() {
        String repo = repo("no-subject");
        Image image = pushImage(repo, "v1");
        putManifest(repo, "again", OCI_MANIFEST, image.manifest()).then().statusCode(201).header("OCI-Subject", nullValue());
    }
}
