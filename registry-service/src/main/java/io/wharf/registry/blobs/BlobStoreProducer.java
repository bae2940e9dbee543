package io.wharf.registry.blobs;

import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import org.jboss.logging.Logger;

import io.vertx.core.Vertx;
import io.wharf.registry.config.RegistryConfig;
import io.wharf.registry.storage.BlobStore;
import io.wharf.registry.storage.FilesystemBlobStore;
import io.wharf.registry.storage.S3BlobStore;

/** Provides the {@link BlobStore} the registry is configured with ({@code wharf.registry.storage.kind}). */
@ApplicationScoped
public class BlobStoreProducer {
    private static final Logger LOG = Logger.getLogger(BlobStoreProducer.class);

    @Produces
    @ApplicationScoped
    BlobStore blobStore(Vertx vertx, RegistryConfig config) {
        RegistryConfig.Storage storage = config.storage();
        if (storage.kind() == RegistryConfig.Storage.Kind.S3) {
            S3BlobStore.Options options = s3Options(storage.s3());
            LOG.infof("blob storage: %s", options);
            return new S3BlobStore(vertx, options, storage.s3().lockLease());
        }
        Path root = Path.of(storage.root()).toAbsolutePath();
        LOG.infof("blob storage: %s", root);
        return new FilesystemBlobStore(vertx, root, new FilesystemBlobStore.Options(storage.fsync(), storage.directIo()));
    }

    static S3BlobStore.Options s3Options(RegistryConfig.Storage.S3 s3) {
        return new S3BlobStore.Options(s3.endpoint().orElse(null), s3.region(), s3.bucket(), s3.prefix().orElse(""),
                s3.pathStyle(), s3.accessKey().orElse(null), s3.secretKey().orElse(null), s3.partSize(), s3.redirect(),
                s3.presignedUrlLifetime());
    }

    /** Closes a store holding connections (S3) when the application stops. */
    void close(@Disposes BlobStore store) throws Exception {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
