package io.wharf.infra;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Quarkus test resource: a real S3 API server ({@link S3Server}, in this JVM, temporary data) and
 * the registry's storage pointed at it ({@code wharf.registry.storage.kind=s3}, bucket
 * {@code wharf-test}, created by the store). Init arg {@code redirect}: {@code true} to answer blob
 * reads with presigned URLs.
 */
public class S3TestResource implements QuarkusTestResourceLifecycleManager {

    private boolean redirect;
    private S3Server server;

    @Override
    public void init(Map<String, String> initArgs) {
        redirect = Boolean.parseBoolean(initArgs.getOrDefault("redirect", "false"));
    }

    @Override
    public Map<String, String> start() {
        try {
            server = S3Server.start(S3Server.Options.forTests());
        } catch (Exception e) {
            throw new IllegalStateException("could not start the S3 server for the tests", e);
        }
        return Map.of(
                "wharf.registry.storage.kind", "s3",
                "wharf.registry.storage.s3.endpoint", server.endpoint().toString(),
                "wharf.registry.storage.s3.bucket", "wharf-test",
                "wharf.registry.storage.s3.access-key", server.accessKey(),
                "wharf.registry.storage.s3.secret-key", server.secretKey(),
                "wharf.registry.storage.s3.part-size", Long.toString(5L * 1024 * 1024),
                "wharf.registry.storage.s3.redirect", Boolean.toString(redirect));
    }

    @Override
    public void stop() {
        if (server != null) {
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("could not stop the S3 server: " + e);
            }
            server = null;
        }
    }
}
