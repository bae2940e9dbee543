package io.wharf.registry;

import static io.wharf.registry.Oci.given;
import static io.wharf.registry.Oci.randomBytes;
import static io.wharf.registry.Oci.repo;
import static io.wharf.registry.Oci.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.wharf.registry.Oci.Image;
import io.wharf.registry.api.fastpath.FastPath;

/**
 * With {@code wharf.registry.fast-path.enabled=false} the registry serves pushes and pulls through
 * Vert.x's own body handling (no body is tapped) and Quarkus still labels the request metrics by
 * endpoint. The rest of the suite can run this way too: {@code -Dwharf.registry.fast-path.enabled=false}.
 */
@QuarkusTest
@TestProfile(FastPathOffTest.Off.class)
class FastPathOffTest {

    /** The fast path turned off, as an operator would after a Quarkus upgrade broke it. */
    public static class Off implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("wharf.registry.fast-path.enabled", "false");
        }
    }

    @Test
    void pushesAndPullsWithoutTappingABody() throws Exception {
        String repo = repo("fast-path-off");
        byte[] blob = randomBytes(2 * 1024 * 1024 + 12345);
        long before = FastPath.tappedBytes();
        try (RawConnection c = new RawConnection()) {
            // A kept-alive connection's later uploads are the ones the fast path would tap.
            assertEquals(200, c.exchange("GET /v2/", null).status());
            RawConnection.Reply started = c.exchange("POST /v2/" + repo + "/blobs/uploads/", new byte[0]);
            assertEquals(202, started.status(), started.text());
            RawConnection.Reply patched = c.exchange("PATCH " + started.header("location"), blob);
            assertEquals(202, patched.status(), patched.text());
            assertEquals("0-" + (blob.length - 1), patched.header("range"));
            String location = patched.header("location");
            RawConnection.Reply put = c.exchange("PUT " + location + (location.contains("?") ? "&" : "?")
                    + "digest=" + sha256(blob), new byte[0]);
            assertEquals(201, put.status(), put.text());
        }
        assertEquals(0, FastPath.tappedBytes() - before, "a body was tapped with the fast path off");
        Oci.assertPullsBack(repo, blob);
        Image image = Oci.pushImage(repo, "v1");
        given().accept(Oci.OCI_MANIFEST).get("/v2/" + repo + "/manifests/v1").then().statusCode(200)
                .header("Docker-Content-Digest", image.digest());
    }

    @Test
    void refusesAStreamedPatchOverQuotaMidwayAllTheSame() throws Exception {
        QuotaTest.refusesAStreamedPatchMidway(Accounts.project("quota-untapped", false), false);
    }

    @Test
    void labelsRequestMetricsByEndpointAllTheSame() {
        HealthTest.assertRequestMetricsAreLabelledByEndpoint();
    }
}
