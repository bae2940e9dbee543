package io.wharf.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Objects;

/**
 * Data of {@code deployment.*}: one deploy rule acting on one registry event, whatever it decided: applied
 * ({@code started}, {@code succeeded}, {@code failed}, {@code rolledback}), or not ({@code skipped},
 * {@code superseded}, {@code planned} by a dry run, {@code rejected}).
 *
 * @param eventId        id of the registry event that triggered the deployment; never null
 * @param ruleId         the deploy rule that matched
 * @param deploymentId   the deployment (a rule records one per digest it decides on; see the deployer)
 * @param target         what is being updated
 * @param repository     repository deployed from
 * @param tag            tag deployed
 * @param digest         digest deployed (for {@code deployment.rolledback}: the digest that was abandoned)
 * @param previousDigest digest the target ran before (for {@code deployment.rolledback}: the one restored; for
 *                       {@code deployment.planned}: the one it runs and would no longer run)
 * @param image          the reference applied to the target, {@code host/repo:tag@sha256:…}
 * @param message        human-readable detail (progress, reason of failure, why it was skipped, superseded or rejected)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeploymentEventData(
        String eventId,
        String ruleId,
        String deploymentId,
        DeployTarget target,
        String repository,
        String tag,
        String digest,
        String previousDigest,
        String image,
        String message) implements PipelineEventData {

    public DeploymentEventData {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(repository, "repository");
    }

    /** Where a deployment goes. {@code namespace} and {@code container} apply to Kubernetes only. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DeployTarget(TargetKind kind, String name, String namespace, String container) {

        /** A container of a Kubernetes Deployment {@code name} in {@code namespace}. */
        public static DeployTarget kubernetes(String name, String namespace, String container) {
            return new DeployTarget(TargetKind.KUBERNETES, name, namespace, container);
        }

        /** A container on a Docker host, by container name. */
        public static DeployTarget docker(String name) {
            return new DeployTarget(TargetKind.DOCKER, name, null, null);
        }

        /** An HTTP deploy hook; {@code name} is a display string without secrets (e.g. the URL's host). */
        public static DeployTarget http(String name) {
            return new DeployTarget(TargetKind.HTTP, name, null, null);
        }
    }

    /** Kind of deploy target; written in lower case. Unknown kinds read as null. */
    public enum TargetKind {
        @JsonProperty("kubernetes") KUBERNETES,
        @JsonProperty("docker") DOCKER,
        @JsonProperty("http") HTTP
    }

    /**
     * Starts data about a deployment triggered by {@code event}: copies its id, repository, tag and
     * digest, and the previous digest when the event is a tag move.
     */
    public static Builder following(WharfEvent<?> event) {
        Builder builder = builder()
                .eventId(event.id())
                .repository(event.data().repository())
                .tag(event.data().tag())
                .digest(event.data().digest());
        if (event.data() instanceof RegistryEventData registry) {
            builder.previousDigest(registry.previousDigest());
        }
        return builder;
    }

    /** Starts empty data, for producers that hold the registry event's fields themselves. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link DeploymentEventData}; {@code eventId} and {@code repository} are required. */
    public static final class Builder {
        private String eventId;
        private String ruleId;
        private String deploymentId;
        private DeployTarget target;
        private String repository;
        private String tag;
        private String digest;
        private String previousDigest;
        private String image;
        private String message;

        private Builder() {
        }

        public Builder eventId(String eventId) {
            this.eventId = eventId;
            return this;
        }

        public Builder ruleId(String ruleId) {
            this.ruleId = ruleId;
            return this;
        }

        public Builder deploymentId(String deploymentId) {
            this.deploymentId = deploymentId;
            return this;
        }

        public Builder target(DeployTarget target) {
            this.target = target;
            return this;
        }

        public Builder repository(String repository) {
            this.repository = repository;
            return this;
        }

        public Builder tag(String tag) {
            this.tag = tag;
            return this;
        }

        public Builder digest(String digest) {
            this.digest = digest;
            return this;
        }

        public Builder previousDigest(String previousDigest) {
            this.previousDigest = previousDigest;
            return this;
        }

        public Builder image(String image) {
            this.image = image;
            return this;
        }

        public Builder message(String message) {
            this.message = message;
            return this;
        }

        public DeploymentEventData build() {
            return new DeploymentEventData(eventId, ruleId, deploymentId, target, repository, tag, digest,
                    previousDigest, image, message);
        }
    }
}
