package io.wharf.registry;

import static io.wharf.registry.Admin.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.wharf.registry.Oci.Image;

@QuarkusTest
class HealthTest {

    @Test
    void reportsDatabaseAndKafkaUp() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Reactive PostgreSQL connections health check"))
                .body("checks.name", hasItem("Kafka connection health check"));
    }

    /** Request metrics name the endpoint, never the repository, tag or digest of the path. */
    @Test
    void requestMetricsAreLabelledByEndpoint() {
        assertRequestMetricsAreLabelledByEndpoint();
    }

    /** Pushes and pulls, then checks the request metrics' {@code uri} labels (also with the fast path off). */
    static void assertRequestMetricsAreLabelledByEndpoint() {
        String repo = Oci.repo("metrics");
        Image image = Oci.pushImage(repo, "v1");
        Oci.given().get("/v2/" + repo + "/tags/list").then().statusCode(200);
        Oci.given().accept(Oci.OCI_MANIFEST).get("/v2/" + repo + "/manifests/v1").then().statusCode(200);
        Oci.given().get("/v2/" + repo + "/blobs/" + image.layer().digest()).then().statusCode(200);
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("uri=\"/v2/{name}/tags/list\""))
                .body(containsString("uri=\"/v2/{name}/manifests/{reference}\""))
                .body(containsString("uri=\"/v2/{name}/blobs/{digest}\""))
                .body(containsString("uri=\"/v2/{name}/blobs/uploads\""))
                .body(not(containsString(repo)));
    }
}
