package io.wharf.registry.storage;

import java.time.Instant;

/**
 * An upload in progress.
 *
 * @param id         opaque, URL-safe identifier
 * @param repository the repository the upload was started in
 * @param size       bytes received so far
 * @param startedAt  when the upload was created
 */
public record UploadState(String id, String repository, long size, Instant startedAt) {
}
