package io.wharf.registry;

import static io.wharf.registry.Oci.OCI_CONFIG;
import static io.wharf.registry.Oci.OCI_LAYER;
import static io.wharf.registry.Oci.OCI_MANIFEST;
import static io.wharf.registry.Oci.bytes;
import static io.wharf.registry.Oci.given;
import static io.wharf.registry.Oci.imageManifest;
import static io.wharf.registry.Oci.pushBlob;
import static io.wharf.registry.Oci.randomBytes;
import static io.wharf.registry.Oci.repo;
import static io.wharf.registry.Oci.sha256;
import static io.wharf.registry.Oci.startUpload;
import static io.wharf.registry.Oci.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * {@code Expect: 100-continue} (curl sends it with large bodies): the registry asks for the body
 * once the request is accepted, and answers a refused one without asking, closing the connection
 * the body never came on.
 */
@QuarkusTest
class ExpectContinueTest {

    @Test
    void asksForAnUploadBodyThenStoresIt() throws Exception {
        String repo = repo("expect");
        byte[] blob = randomBytes(1024 * 1024 + 7);
        String location = startUpload(repo);
        try (RawConnection c = new RawConnection()) {
            c.send(RawConnection.head("PATCH " + location, "Content-Length: " + blob.length, "Expect: 100-continue"));
            assertEquals(100, c.read().status(), "the registry did not ask for the body");
            c.send(blob);
            RawConnection.Reply patched = c.read();
            assertEquals(202, patched.status(), patched.text());
            assertEquals("0-" + (blob.length - 1), patched.header("range"));
        }
        given().queryParam("digest", sha256(blob)).put(location).then().statusCode(201);
    }

    @Test
    void asksForAManifestBodyThenStoresIt() throws Exception {
        String repo = repo("expect-manifest");
        Oci.Descriptor config = pushBlob(repo, OCI_CONFIG, utf8("{\"architecture\":\"amd64\",\"os\":\"linux\"}"));
        Oci.Descriptor layer = pushBlob(repo, OCI_LAYER, randomBytes(64));
        byte[] manifest = bytes(imageManifest(OCI_MANIFEST, config, layer));
        try (RawConnection c = new RawConnection()) {
            c.send(RawConnection.head("PUT /v2/" + repo + "/manifests/v1", "Content-Type: " + OCI_MANIFEST,
                    "Content-Length: " + manifest.length, "Expect: 100-continue"));
            assertEquals(100, c.read().status(), "the registry did not ask for the manifest");
            c.send(manifest);
            RawConnection.Reply put = c.read();
            assertEquals(201, put.status(), put.text());
            assertEquals(sha256(manifest), put.header("docker-content-digest"));
        }
    }

    @Test
    void refusesAnUnknownUploadWithoutAskingForItsBody() throws Exception {
        String repo = repo("expect-refused");
        startUpload(repo);
        try (RawConnection c = new RawConnection()) {
            c.send(RawConnection.head("PATCH /v2/" + repo + "/blobs/uploads/00000000-0000-0000-0000-000000000000",
                    "Content-Length: " + (8 * 1024 * 1024), "Expect: 100-continue"));
            RawConnection.Reply refused = c.read(); // not a 100: the body is never sent
            assertEquals(404, refused.status(), refused.text());
            assertEquals("BLOB_UPLOAD_UNKNOWN", new JsonObject(refused.text()).getJsonArray("errors").getJsonObject(0).getString("code"));
            assertEquals("close", refused.header("connection"));
            assertTrue(c.closedByServer(), "the connection stayed open with a body still declared");
        }
    }
}
