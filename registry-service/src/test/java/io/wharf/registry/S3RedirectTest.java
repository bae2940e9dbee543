package io.wharf.registry;

import static io.wharf.registry.Oci.given;
import static io.wharf.registry.Oci.randomBytes;
import static io.wharf.registry.Oci.repo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.wharf.infra.S3TestResource;

/**
 * The registry on S3 with {@code WHARF_S3_REDIRECT=true}: a blob GET answers 307 to a presigned URL
 * of the S3 server, where the client gets the blob (and its ranges) itself; HEAD still answers here.
 */
@QuarkusTest
@TestProfile(S3RedirectTest.Redirecting.class)
class S3RedirectTest {

    public static class Redirecting implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(S3TestResource.class, Map.of("redirect", "true")));
        }
    }

    @Test
    void redirectsBlobGetsToThePresignedObjectAndAnswersHeadItself() throws Exception {
        String repo = repo("s3-redirect");
        byte[] blob = randomBytes(4096);
        String digest = Oci.pushBlob(repo, blob).digest();

        String location = given().redirects().follow(false).get("/v2/" + repo + "/blobs/" + digest)
                .then().statusCode(307).header("Docker-Content-Digest", digest).extract().header("Location");
        given().head("/v2/" + repo + "/blobs/" + digest).then().statusCode(200).header("Content-Length", "4096");

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<byte[]> whole = http.send(HttpRequest.newBuilder(URI.create(location)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, whole.statusCode());
        assertArrayEquals(blob, whole.body());
        HttpResponse<byte[]> range = http.send(HttpRequest.newBuilder(URI.create(location)).header("Range", "bytes=100-199").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, range.statusCode());
        assertArrayEquals(Arrays.copyOfRange(blob, 100, 200), range.body());
    }
}
