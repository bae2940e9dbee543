package io.wharf.registry.blobs;

import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.jboss.logging.Logger;

import io.vertx.core.Vertx;
import io.wharf.registry.config.RegistryConfig;
import io.wharf.registry.storage.BlobStore;
import io.wharf.registry.storage.FilesystemBlobStore;

/** Provides the {@link BlobStore} the registry is configured with. */
@ApplicationScoped
public class BlobStoreProducer {
    private static final Logger LOG = Logger.getLogger(BlobStoreProducer.class);

    @Produces
    @ApplicationScoped
    BlobStore blobStore(Vertx vertx, RegistryConfig config) {
        Path root = Path.of(config.storage().root()).toAbsolutePath();
        LOG.infof("blob storage: %s", root);
        return new FilesystemBlobStore(vertx, root, new FilesystemBlobStore.Options(config.storage().fsync(), config.storage().directIo()));
    }
}
