package io.wharf.registry;

import static io.wharf.registry.Oci.assertError;
import static io.wharf.registry.Oci.given;
import static io.wharf.registry.Oci.pushBlob;
import static io.wharf.registry.Oci.randomBytes;
import static io.wharf.registry.Oci.repo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** Blob GET, HEAD (with ranges) and DELETE, and which repository may serve which blob. */
@QuarkusTest
class BlobReadTest {

    @Test
    void servesABlobWithItsDigestLengthAndBytes() {
        String repo = repo("read");
        byte[] blob = randomBytes(777);
        String digest = pushBlob(repo, blob).digest();
        Response response = given().get("/v2/" + repo + "/blobs/" + digest);
        response.then().statusCode(200)
                .header("Docker-Content-Digest", digest)
                .header("Content-Length", "777")
                .header("Docker-Distribution-API-Version", "registry/2.0");
        assertArrayEquals(blob, response.asByteArray());
    }

    @Test
    void answersHeadWithHeadersAndNoBody() {
        String repo = repo("head");
        byte[] blob = randomBytes(123);
        String digest = pushBlob(repo, blob).digest();
        Response response = given().head("/v2/" + repo + "/blobs/" + digest);
        response.then().statusCode(200)
                .header("Docker-Content-Digest", digest)
                .header("Content-Length", "123");
        assertEquals(0, response.asByteArray().length);
    }

    @Test
    void answersHeadOfAnUnknownBlobWith404() {
        given().head("/v2/" + repo("head") + "/blobs/" + Oci.unknownDigest()).then().statusCode(404)
                .header("Docker-Content-Digest", nullValue());
    }

    @Test
    void answersGetOfAnUnknownBlobWithBlobUnknown() {
        assertError(given().get("/v2/" + repo("read") + "/blobs/" + Oci.unknownDigest()), 404, "BLOB_UNKNOWN");
    }

    @Test
    void doesNotServeABlobThroughARepositoryThatDoesNotLinkIt() {
        String a = repo("owner");
        String b = repo("other");
        pushBlob(b, randomBytes(5)); // b exists, but not with this blob
        String digest = pushBlob(a, randomBytes(99)).digest();
        assertError(given().get("/v2/" + b + "/blobs/" + digest), 404, "BLOB_UNKNOWN");
        given().head("/v2/" + b + "/blobs/" + digest).then().statusCode(404);
        assertError(given().get("/v2/" + repo("never") + "/blobs/" + digest), 404, "BLOB_UNKNOWN");
    }

    @Test
    void rejectsAMalformedDigest() {
        String repo = repo("read");
        assertError(given().get("/v2/" + repo + "/blobs/sha256:1234"), 400, "DIGEST_INVALID");
        assertError(given().get("/v2/" + repo + "/blobs/not-a-digest"), 400, "DIGEST_INVALID");
        assertError(given().delete("/v2/" + repo + "/blobs/sha256:XYZ"), 400, "DIGEST_INVALID");
    }

    @Test
    void acceptsAPercentEncodedColonInTheDigest() {
        String repo = repo("read");
        byte[] blob = randomBytes(10);
        String digest = pushBlob(repo, blob).digest();
        assertArrayEquals(blob, given().get("/v2/" + repo + "/blobs/" + digest.replace(":", "%3A"))
                .then().statusCode(200).extract().asByteArray());
    }

    // ------------------------------------------------------------------ range

    @Test
    void servesARangeWith206AndContentRange() {
        String repo = repo("range");
        byte[] blob = randomBytes(100);
        String digest = pushBlob(repo, blob).digest();
        Response response = given().header("Range", "bytes=10-19").get("/v2/" + repo + "/blobs/" + digest);
        response.then().statusCode(206)
                .header("Content-Range", "bytes 10-19/100")
                .header("Content-Length", "10")
                .header("Docker-Content-Digest", digest);
        assertArrayEquals(Arrays.copyOfRange(blob, 10, 20), response.asByteArray());
    }

    @Test
    void servesOpenEndedAndSuffixRanges() {
        String repo = repo("range");
        byte[] blob = randomBytes(100);
        String digest = pushBlob(repo, blob).digest();
        Response open = given().header("Range", "bytes=90-").get("/v2/" + repo + "/blobs/" + digest);
        open.then().statusCode(206).header("Content-Range", "bytes 90-99/100");
        assertArrayEquals(Arrays.copyOfRange(blob, 90, 100), open.asByteArray());
        Response suffix = given().header("Range", "bytes=-5").get("/v2/" + repo + "/blobs/" + digest);
        suffix.then().statusCode(206).header("Content-Range", "bytes 95-99/100");
        assertArrayEquals(Arrays.copyOfRange(blob, 95, 100), suffix.asByteArray());
        Response clamped = given().header("Range", "bytes=50-1000").get("/v2/" + repo + "/blobs/" + digest);
        clamped.then().statusCode(206).header("Content-Range", "bytes 50-99/100").header("Content-Length", "50");
        assertArrayEquals(Arrays.copyOfRange(blob, 50, 100), clamped.asByteArray());
    }

    @Test
    void answersAnUnsatisfiableRangeWith416() {
        String repo = repo("range");
        String digest = pushBlob(repo, randomBytes(100)).digest();
        given().header("Range", "bytes=100-200").get("/v2/" + repo + "/blobs/" + digest)
                .then().statusCode(416)
                .header("Content-Range", "bytes */100")
                .header("Cache-Control", nullValue());
    }

    @Test
    void ignoresARangeHeaderItCannotParse() {
        String repo = repo("range");
        byte[] blob = randomBytes(30);
        String digest = pushBlob(repo, blob).digest();
        assertArrayEquals(blob, given().header("Range", "lines=1-2").get("/v2/" + repo + "/blobs/" + digest)
                .then().statusCode(200).header("Content-Range", nullValue()).extract().asByteArray());
    }

    // ----------------------------------------------------------------- delete

    @Test
    void deletesABlobFromTheRepository() {
        String repo = repo("delete");
        String digest = pushBlob(repo, randomBytes(40)).digest();
        given().delete("/v2/" + repo + "/blobs/" + digest).then().statusCode(202);
        assertError(given().get("/v2/" + repo + "/blobs/" + digest), 404, "BLOB_UNKNOWN");
        given().head("/v2/" + repo + "/blobs/" + digest).then().statusCode(404);
        assertError(given().delete("/v2/" + repo + "/blobs/" + digest), 404, "BLOB_UNKNOWN");
    }

    @Test
    void servesABlobAgainOnceItIsPushedAfterItsDeletion() {
        String repo = repo("delete");
        byte[] blob = randomBytes(40);
        String digest = pushBlob(repo, blob).digest();
        given().head("/v2/" + repo + "/blobs/" + digest).then().statusCode(200);
        given().delete("/v2/" + repo + "/blobs/" + digest).then().statusCode(202);
        given().head("/v2/" + repo + "/blobs/" + digest).then().statusCode(404);
        pushBlob(repo, blob);
        assertArrayEquals(blob, given().get("/v2/" + repo + "/blobs/" + digest).then().statusCode(200).extract().asByteArray());
    }

    @Test
    void deletingABlobInOneRepositoryKeepsItInAnother() {
        String a = repo("delete");
        String b = repo("delete");
        byte[] blob = randomBytes(40);
        String digest = pushBlob(a, blob).digest();
        pushBlob(b, blob);
        given().delete("/v2/" + a + "/blobs/" + digest).then().statusCode(202);
        assertArrayEquals(blob, given().get("/v2/" + b + "/blobs/" + digest).then().statusCode(200).extract().asByteArray());
    }

    @Test
    void answersDeleteOfAnUnknownBlobWithBlobUnknown() {
        assertError(given().delete("/v2/" + repo("delete") + "/blobs/" + Oci.unknownDigest()), 404, "BLOB_UNKNOWN");
    }

    @Test
    void answersCleanlyWhenTheStoreLostTheBytesOfALinkedBlob() throws Exception {
        String repo = repo("lost");
        byte[] blob = randomBytes(64);
        String digest = pushBlob(repo, blob).digest();
        String hex = digest.substring("sha256:".length());
        // The storage root of the test profile (application.properties).
        Path file = Path.of("target/registry-data/blobs/sha256", hex.substring(0, 2), hex);
        assertEquals(true, Files.deleteIfExists(file), "blob file " + file.toAbsolutePath());
        assertError(given().get("/v2/" + repo + "/blobs/" + digest), 404, "BLOB_UNKNOWN")
                .header("Cache-Control", nullValue())
                .header("Docker-Content-Digest", nullValue());
        // And the blob can be pushed again.
        pushBlob(repo, blob);
        assertArrayEquals(blob, given().get("/v2/" + repo + "/blobs/" + digest).then().statusCode(200)
                .header("Docker-Content-Digest", digest).extract().asByteArray());
    }
}
