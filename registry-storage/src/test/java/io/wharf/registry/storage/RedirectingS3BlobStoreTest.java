package io.wharf.registry.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;

import org.junit.jupiter.api.Test;

/**
 * Everything {@link S3BlobStoreTest} checks with redirects on: reads are presigned URLs of the
 * S3 server, which the contract's client follows (asking there for its range).
 */
class RedirectingS3BlobStoreTest extends S3BlobStoreTest {

    @Override
    S3BlobStore.Options options() {
        return super.options().withRedirect(true);
    }

    @Override
    protected Class<? extends BlobRead> readKind() {
        return BlobRead.Redirect.class;
    }

    @Test
    void redirectsToAPresignedUrlOfTheObjectAndStreamsNothingForAnEmptyRange() throws Exception {
        byte[] layer = bytes("fetched from the object store itself");
        String digest = committed(layer);

        URI location = ((BlobRead.Redirect) await(store.read(digest, 0, layer.length))).location();
        BlobRead empty = await(store.read(digest, 7, 0));

        String hex = digest.substring("sha256:".length());
        assertTrue(location.getPath().endsWith("/registry/blobs/sha256/" + hex.substring(0, 2) + "/" + hex), location.toString());
        assertTrue(location.getQuery().contains("X-Amz-Signature="), location.toString());
        assertEquals(0, ((BlobRead.Stream) empty).length());
        assertArrayEquals(layer, fetch(digest, 0, layer.length).body());
    }
}
