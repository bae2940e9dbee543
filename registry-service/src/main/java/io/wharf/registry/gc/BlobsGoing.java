package io.wharf.registry.gc;

import java.util.Set;

/**
 * A CDI event, fired (synchronously) on the instance that runs garbage collection when blobs move to
 * {@code deleting}: whatever remembers links to them (the metadata cache) forgets them.
 *
 * @param digests the blobs whose bytes are about to go
 */
public record BlobsGoing(Set<String> digests) {
}
