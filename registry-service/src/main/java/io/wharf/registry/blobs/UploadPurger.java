package io.wharf.registry.blobs;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.wharf.registry.config.RegistryConfig;
import io.wharf.registry.storage.BlobStore;

/** Removes uploads nobody has written to for {@code wharf.registry.storage.upload-max-age}. */
@ApplicationScoped
public class UploadPurger {
    private static final Logger LOG = Logger.getLogger(UploadPurger.class);

    private final BlobStore store;
    private final RegistryConfig config;

    public UploadPurger(BlobStore store, RegistryConfig config) {
        this.store = store;
        this.config = config;
    }

    @Scheduled(every = "${wharf.registry.storage.upload-purge-interval}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purge() {
        return store.purgeUploadsOlderThan(config.storage().uploadMaxAge())
                .invoke(n -> {
                    if (n > 0) {
                        LOG.infof("removed %d abandoned uploads", n);
                    }
                })
                .replaceWithVoid();
    }
}
