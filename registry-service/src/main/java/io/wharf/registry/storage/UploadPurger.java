package io.wharf.registry.storage;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.wharf.registry.config.RegistryConfig;

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

    @Scheduled(every = "${wharf.registry.storage.upload-purge-interval:1h}", delayed = "1m",
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
