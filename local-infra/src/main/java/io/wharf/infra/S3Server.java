package io.wharf.infra;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;

/**
 * A real S3 API server (S3Proxy) run inside the current JVM, keeping objects as files under a
 * directory: what the S3 blob store's tests and the quickstart talk to when no other S3 server is
 * named. It checks AWS signatures (V2 and V4, presigned URLs included) against one key pair.
 *
 * <p>Guarantees: {@link #start} returns only once the server accepts connections on
 * {@code 127.0.0.1:port}; objects written to a persistent data directory survive restarts;
 * {@link #close} stops the server and, when the directory was temporary, deletes it.
 */
public final class S3Server implements AutoCloseable {

    /**
     * @param port      the HTTP port on 127.0.0.1; 0 for a free one
     * @param accessKey the access key id clients sign with
     * @param secretKey its secret
     * @param dataDir   where buckets and objects are kept; {@code null} for a temporary directory
     *                  deleted on close
     */
    public record Options(int port, String accessKey, String secretKey, Path dataDir) {
        /** A free port, fixed test credentials and a temporary directory. */
        public static Options forTests() {
            return new Options(0, "wharf-test-access", "wharf-test-secret-0123456789", null);
        }
    }

    private final S3Proxy proxy;
    private final Options options;
    private final Path dataDir;
    private final boolean temporary;
    private final int port;

    private S3Server(S3Proxy proxy, Options options, Path dataDir, boolean temporary, int port) {
        this.proxy = proxy;
        this.options = options;
        this.dataDir = dataDir;
        this.temporary = temporary;
        this.port = port;
    }

    public static S3Server start(Options options) throws Exception {
        boolean temporary = options.dataDir() == null;
        Path dir = temporary ? Files.createTempDirectory("wharf-s3-") : options.dataDir();
        Files.createDirectories(dir);
        int port = options.port() == 0 ? Net.freePort() : options.port();
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", dir.toString());
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(BlobStores.create("filesystem", properties))
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, options.accessKey(), options.secretKey())
                .build();
        try {
            proxy.start();
            Net.awaitPort("127.0.0.1", port, 60_000);
        } catch (Exception | Error e) {
            proxy.stop();
            if (temporary) {
                Files2.deleteTree(dir);
            }
            throw e;
        }
        return new S3Server(proxy, options, dir, temporary, port);
    }

    /** Where clients send requests ({@code http://127.0.0.1:port}); buckets are addressed path-style. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public String accessKey() {
        return options.accessKey();
    }

    public String secretKey() {
        return options.secretKey();
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        if (temporary) {
            Files2.deleteTree(dataDir);
        }
    }
}
