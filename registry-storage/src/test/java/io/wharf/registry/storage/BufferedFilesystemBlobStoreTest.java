package io.wharf.registry.storage;

/** Everything {@link FilesystemBlobStoreTest} checks, with uploads written through the page cache. */
class BufferedFilesystemBlobStoreTest extends FilesystemBlobStoreTest {

    @Override
    FilesystemBlobStore.Options options() {
        return new FilesystemBlobStore.Options(true, false);
    }
}
