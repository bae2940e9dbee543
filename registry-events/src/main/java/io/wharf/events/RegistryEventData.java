package io.wharf.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Objects;

/**
 * Data of a registry event ({@code artifact.*}, {@code tag.*}, {@code repository.*}): everything a
 * consumer needs about what happened, by whom, through which request.
 *
 * @param repository     full repository name, e.g. {@code acme/api}; never null
 * @param digest         manifest digest; never null except for {@code repository.*} events that
 *                       concern no single manifest (see {@link EventType#requiresDigest()}).
 *                       For {@code tag.deleted} it is where the tag pointed.
 * @param tag            tag concerned, or null for digest-only operations
 * @param previousDigest where the tag pointed before ({@code tag.updated}), else null
 * @param mediaType      manifest media type, e.g. {@code application/vnd.oci.image.index.v1+json}
 * @param artifactType   OCI artifact type (SBOMs, signatures…), null for plain images
 * @param size           manifest size in bytes
 * @param platforms      platforms of an index's children, or of a single image; null if unknown
 * @param project        project, the first path segment of the repository
 * @param actor          who did it
 * @param request        the HTTP request that did it; null for aggregated or internal events
 * @param count          number of pulls this {@code artifact.pulled} event stands for; null means one
 * @param reason         why the registry itself deleted ({@code artifact.deleted}, {@code tag.deleted}):
 *                       {@value #REASON_RETENTION} (a retention rule), {@value #REASON_UNTAGGED} (garbage
 *                       collection of untagged manifests) or {@value #REASON_BREAK_GLASS} (an administrator
 *                       removed an immutable tag); null when a client asked for the deletion
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record RegistryEventData(
        String repository,
        String digest,
        String tag,
        String previousDigest,
        String mediaType,
        String artifactType,
        Long size,
        List<Platform> platforms,
        String project,
        Actor actor,
        RequestInfo request,
        Integer count,
        String reason) implements EventData {

    /** {@link #reason()} of deletions made by a retention rule. */
    public static final String REASON_RETENTION = "retention";
    /** {@link #reason()} of untagged manifests removed by garbage collection. */
    public static final String REASON_UNTAGGED = "untagged";
    /** {@link #reason()} of an immutable tag deleted by a system administrator's override. */
    public static final String REASON_BREAK_GLASS = "break-glass";

    public RegistryEventData {
        Objects.requireNonNull(repository, "repository");
        platforms = platforms == null ? null : List.copyOf(platforms);
    }

    /** Starts data about {@code digest} in {@code repository} (digest null only for {@code repository.*}). */
    public static Builder builder(String repository, String digest) {
        return new Builder(repository, digest);
    }

    /** An OS/architecture pair, as in an OCI image index. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Platform(String os, String architecture, String variant) {
    }

    /** Who acted; {@code name} is null for {@link ActorKind#ANONYMOUS}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Actor(ActorKind kind, String name) {

        public static Actor user(String name) {
            return new Actor(ActorKind.USER, name);
        }

        /** A robot account, named {@code robot$<project>+<name>}. */
        public static Actor robot(String name) {
            return new Actor(ActorKind.ROBOT, name);
        }

        public static Actor anonymous() {
            return new Actor(ActorKind.ANONYMOUS, null);
        }
    }

    /** Kind of actor; written in lower case. Unknown kinds read as null. */
    public enum ActorKind {
        @JsonProperty("user") USER,
        @JsonProperty("robot") ROBOT,
        @JsonProperty("anonymous") ANONYMOUS
    }

    /** The request behind an event, for audit and correlation with access logs. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RequestInfo(String id, String remoteAddr, String userAgent) {
    }

    /** Builds {@link RegistryEventData}; every setter is optional. */
    public static final class Builder {
        private final String repository;
        private final String digest;
        private String tag;
        private String previousDigest;
        private String mediaType;
        private String artifactType;
        private Long size;
        private List<Platform> platforms;
        private String project;
        private Actor actor;
        private RequestInfo request;
        private Integer count;
        private String reason;

        private Builder(String repository, String digest) {
            this.repository = repository;
            this.digest = digest;
        }

        public Builder tag(String tag) {
            this.tag = tag;
            return this;
        }

        public Builder previousDigest(String previousDigest) {
            this.previousDigest = previousDigest;
            return this;
        }

        public Builder mediaType(String mediaType) {
            this.mediaType = mediaType;
            return this;
        }

        public Builder artifactType(String artifactType) {
            this.artifactType = artifactType;
            return this;
        }

        public Builder size(Long size) {
            this.size = size;
            return this;
        }

        public Builder platforms(List<Platform> platforms) {
            this.platforms = platforms;
            return this;
        }

        public Builder project(String project) {
            this.project = project;
            return this;
        }

        public Builder actor(Actor actor) {
            this.actor = actor;
            return this;
        }

        public Builder request(RequestInfo request) {
            this.request = request;
            return this;
        }

        public Builder count(Integer count) {
            this.count = count;
            return this;
        }

        public Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        public RegistryEventData build() {
            return new RegistryEventData(repository, digest, tag, previousDigest, mediaType, artifactType,
                    size, platforms, project, actor, request, count, reason);
        }
    }
}
