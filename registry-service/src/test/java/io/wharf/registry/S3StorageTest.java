package io.wharf.registry;

import static io.wharf.registry.Oci.given;
import static io.wharf.registry.Oci.randomBytes;
import static io.wharf.registry.Oci.repo;
import static io.wharf.registry.Oci.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.wharf.infra.S3TestResource;

/**
 * The registry on S3 ({@code WHARF_STORAGE=s3}, a real S3 API server in the test JVM), blob reads
 * streamed through the registry: a chunked push whose chunks cross part boundaries, then GET, HEAD
 * and a range, byte for byte.
 */
@QuarkusTest
@TestProfile(S3StorageTest.OnS3.class)
class S3StorageTest {

    /** Storage on S3 with 5 MiB parts, reads streamed. */
    public static class OnS3 implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(S3TestResource.class));
        }
    }

    @Test
    void pushesInChunksAcrossPartsAndPullsWholeAndInRanges() {
        String repo = repo("s3");
        byte[] blob = randomBytes(11 * 1024 * 1024 + 4321);
        int[] cuts = {3 * 1024 * 1024, 9 * 1024 * 1024, blob.length};
        String location = Oci.startUpload(repo);
        int from = 0;
        for (int to : cuts) {
            location = given().contentType("application/octet-stream")
                    .header("Content-Range", from + "-" + (to - 1))
                    .body(Arrays.copyOfRange(blob, from, to))
                    .patch(location)
                    .then().statusCode(202).header("Range", "0-" + (to - 1)).extract().header("Location");
            from = to;
        }
        String digest = sha256(blob);
        given().queryParam("digest", digest).put(location).then().statusCode(201).header("Docker-Content-Digest", digest);

        Response whole = given().get("/v2/" + repo + "/blobs/" + digest);
        whole.then().statusCode(200).header("Content-Length", Integer.toString(blob.length)).header("Docker-Content-Digest", digest);
        assertArrayEquals(blob, whole.asByteArray());
        given().head("/v2/" + repo + "/blobs/" + digest).then().statusCode(200)
                .header("Content-Length", Integer.toString(blob.length));
        Response range = given().header("Range", "bytes=5242870-5242899").get("/v2/" + repo + "/blobs/" + digest);
        range.then().statusCode(206).header("Content-Range", "bytes 5242870-5242899/" + blob.length);
        assertArrayEquals(Arrays.copyOfRange(blob, 5242870, 5242900), range.asByteArray());
    }

    @Test
    void refusesACommitWhoseDigestDiffersAndServesNothing() {
        String repo = repo("s3");
        byte[] blob = randomBytes(1000);
        String location = Oci.startUpload(repo);
        location = given().contentType("application/octet-stream").body(blob).patch(location)
                .then().statusCode(202).extract().header("Location");
        String other = sha256(randomBytes(1000));

        Oci.assertError(given().queryParam("digest", other).put(location), 400, "DIGEST_INVALID");

        given().head("/v2/" + repo + "/blobs/" + other).then().statusCode(404);
        given().head("/v2/" + repo + "/blobs/" + sha256(blob)).then().statusCode(404);
        assertEquals(404, given().get(location).statusCode(), "the upload is gone");
    }
}
