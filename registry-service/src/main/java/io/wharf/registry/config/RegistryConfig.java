package io.wharf.registry.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Registry settings, under {@code wharf.registry}. */
@ConfigMapping(prefix = "wharf.registry")
public interface RegistryConfig {

    Storage storage();

    Events events();

    Cache cache();

    FastPath fastPath();

    /** Largest manifest accepted, in bytes (the spec's common limit is 4 MiB). */
    @WithDefault("4194304")
    int maxManifestSize();

    /** Most entries one tags or catalog page returns, whatever {@code n} asks. */
    @WithDefault("10000")
    int maxPageSize();

    /**
     * The speed tricks that rely on Vert.x and Quarkus internals (package
     * {@code io.wharf.registry.api.fastpath}), under {@code wharf.registry.fast-path}.
     */
    interface FastPath {
        /**
         * Upload bodies taken straight from Netty, and request metrics labelled by the parsed
         * endpoint. Off: bodies go through Vert.x's own handling and the metrics are labelled by
         * Quarkus match patterns (same labels); turn it off if a Quarkus upgrade breaks either.
         */
        @WithDefault("true")
        boolean enabled();
    }

    interface Cache {
        /** How long a tag's target and a repository's tag list are cached (moves made through other instances show up after this). */
        @WithDefault("2s")
        Duration tagTtl();

        /** How long immutable content (manifests by digest, blob links) is cached. */
        @WithDefault("60s")
        Duration contentTtl();

        /** Most tag and blob-link entries kept. */
        @WithDefault("200000")
        long maxEntries();

        /** Most manifest bytes kept in memory. */
        @WithDefault("67108864")
        long maxManifestBytes();
    }

    interface Events {
        /** How often the relay looks for unpublished outbox rows. */
        @WithDefault("250ms")
        Duration relayInterval();

        /**
         * Whether this instance's commits wake the relay at once (otherwise only the timer runs it;
         * the crash drill turns both off to hold events in the outbox).
         */
        @WithDefault("true")
        boolean relayWake();

        /** Most outbox rows the relay publishes in one transaction. */
        @WithDefault("500")
        int relayBatchSize();

        /** How long published events stay queryable. */
        @WithDefault("90d")
        Duration retention();

        /**
         * How often the pulls counted in memory are written to the database (and their
         * {@code artifact.pulled} events recorded): pulls of the last interval are lost if the
         * process dies.
         */
        @WithDefault("5s")
        Duration pullFlushInterval();

        /** How often the live tail ({@code /api/v1/events/stream}) looks for newly published events: one query serves every open stream. */
        @WithDefault("500ms")
        Duration tailInterval();
    }

    interface Storage {
        /** Where blobs live: {@code filesystem} (under {@link #root()}) or {@code s3} (see {@link #s3()}). */
        @WithDefault("filesystem")
        Kind kind();

        /** Directory for blob bytes and uploads in progress (the filesystem store). */
        String root();

        /** The S3 store's settings, used with {@code kind=s3}. */
        S3 s3();

        /** Uploads not written to for this long are removed. */
        @WithDefault("24h")
        Duration uploadMaxAge();

        /** How often abandoned uploads are looked for. */
        @WithDefault("1h")
        Duration uploadPurgeInterval();

        /** fsync each blob before it is committed (turn off only for throwaway data). */
        @WithDefault("true")
        boolean fsync();

        /**
         * Write uploads with direct I/O ({@code O_DIRECT}) where the filesystem supports it: about
         * half the CPU per pushed byte, and pushes do not evict what pulls read from the page cache.
         */
        @WithDefault("true")
        boolean directIo();

        enum Kind {
            FILESYSTEM, S3
        }

        /** An S3-compatible object store (see {@code S3BlobStore.Options}). */
        interface S3 {
            /** The S3 API's URL; unset for AWS's endpoint of {@link #region()}. */
            Optional<URI> endpoint();

            @WithDefault("us-east-1")
            String region();

            /** Created when missing. */
            @WithDefault("wharf")
            String bucket();

            /** Prefix of every key, e.g. {@code registry/}; none by default. */
            Optional<String> prefix();

            /** Bucket in the path (MinIO, Ceph, Garage, SeaweedFS, S3Proxy) rather than the host name. */
            @WithDefault("true")
            boolean pathStyle();

            /** With {@link #secretKey()}; unset for the SDK's default chain (environment, profile, instance role). */
            Optional<String> accessKey();

            Optional<String> secretKey();

            /** Bytes per multipart part (at least 5 MiB): also what one running append holds in memory. */
            @WithDefault("10485760")
            long partSize();

            /** Answer blob GETs with a 307 to a presigned URL instead of streaming them through the registry. */
            @WithDefault("false")
            boolean redirect();

            /** How long a presigned URL works. */
            @WithDefault("20m")
            Duration presignedUrlLifetime();

            /**
             * How long an upload's lock may go unrenewed (its holder rewrites it every third of this) before
             * another instance breaks it: how soon an upload continues elsewhere after the instance
             * appending to it died.
             */
            @WithDefault("60s")
            Duration lockLease();
        }
    }
}
