package io.wharf.registry;

import static io.wharf.registry.Admin.given;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class BasicPushPullTest {

    static String sha256(byte[] b) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void pushesABlobAndAManifestAndPullsThemBack() throws Exception {
        given().get("/v2/").then().statusCode(200).header("Docker-Distribution-API-Version", "registry/2.0");
        byte[] layer = "hello layer".getBytes(StandardCharsets.UTF_8);
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        for (byte[] blob : new byte[][] {layer, config}) {
            String location = given().post("/v2/basic/app/blobs/uploads/").then().statusCode(202).extract().header("Location");
            given().body(blob).contentType("application/octet-stream").patch(location).then().statusCode(202);
            given().queryParam("digest", sha256(blob)).put(location).then().statusCode(201)
                    .header("Docker-Content-Digest", sha256(blob));
        }
        given().get("/v2/basic/app/blobs/" + sha256(layer)).then().statusCode(200).body(equalTo("hello layer"));
        String manifest = """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":2},
                 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":11}]}"""
                .formatted(sha256(config), sha256(layer));
        given().body(manifest).contentType("application/vnd.oci.image.manifest.v1+json")
                .put("/v2/basic/app/manifests/v1").then().statusCode(201)
                .header("Docker-Content-Digest", sha256(manifest.getBytes(StandardCharsets.UTF_8)));
        given().get("/v2/basic/app/manifests/v1").then().statusCode(200).body(equalTo(manifest));
        given().get("/v2/basic/app/tags/list").then().statusCode(200).body("tags[0]", equalTo("v1"));
    }
}
