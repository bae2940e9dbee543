package io.wharf.deployer.targets;

import java.time.Duration;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;

/**
 * One kind of place a deploy rule updates: a Kubernetes workload, a container on a Docker host, an
 * HTTP deploy hook. Implementations are {@code @ApplicationScoped} beans; the deployment engine picks
 * the one whose {@link #kind()} equals the rule's target kind.
 *
 * <p>The engine owns everything around a change (matching, idempotency, approvals, history, holds,
 * events); a target only reads, changes and watches the thing it deploys to. A target never decides to
 * roll back by itself: it reports the outcome and the engine calls {@link #apply} again with the
 * previous image.
 *
 * <p>Where a target may deploy is decided outside it: a system administrator defines a target of this
 * kind ({@link #define}: endpoint, settings, credentials) and grants it to projects within
 * {@link #bounds()}; a rule names the target and a workload, and {@link #settings} joins the two into
 * what {@link #apply} gets. The engine checks {@link #place} against the grants when the rule is saved
 * and again before every run.
 *
 * @param <S> the settings one rule deploys with: its target's definition and its workload
 */
public interface DeployTarget<S extends TargetSettings> {

    /** What the API shows instead of a secret value (a hook secret, a header value, a URL query value, a password). */
    String MASK = "********";

    /** The rule target kind this implementation serves: {@code kubernetes}, {@code docker} or {@code http}. */
    String kind();

    /** The settings type (the rule API reads settings JSON into it). */
    Class<S> settingsType();

    /** What a grant of a target of this kind to a project bounds. */
    GrantBounds bounds();

    /**
     * The endpoint as {@link #define} would store it (secret parts masked), to tell whether a change of a
     * target changes its endpoint, in which case no stored credential is kept.
     *
     * @throws IllegalArgumentException with a message fit for the API's 400 answer
     */
    String endpointOf(String endpoint);

    /**
     * Checks an administrator's definition of a target of this kind, without contacting it. A value given
     * as {@link #MASK} keeps the one in {@code kept} (the stored credentials: empty when the endpoint
     * changed, so that no credential follows a target to a new endpoint), or is dropped when there is none.
     *
     * @param endpoint the endpoint as given
     * @param settings the kind's other settings as given, secrets in clear or masked; never null
     * @param kept     credentials a masked value may keep; never null
     * @throws IllegalArgumentException with a message fit for the API's 400 answer
     */
    TargetDefinition define(String endpoint, ObjectNode settings, ObjectNode kept);

    /**
     * Checks, when a target is saved, what {@link #define} cannot check without a lookup: for a target
     * that calls a user-named host, that the host is not one the outbound guard refuses (a name that
     * does not resolve yet passes). Fails with {@link IllegalArgumentException}; runs off the event loop.
     */
    default Uni<Void> admissible(String endpoint) {
        return Uni.createFrom().voidItem();
    }

    /**
     * What one rule deploys with: the target's definition narrowed to the rule's {@code workload}
     * (Kubernetes: workload kind, namespace, name and container; Docker: the container; HTTP: nothing),
     * checked with {@link #validate}.
     *
     * @param allowWharf whether the target may reach Wharf's own workloads (the deployer's namespace,
     *                   workloads labelled {@code app.kubernetes.io/part-of: wharf})
     * @throws IllegalArgumentException with a message fit for the API's 400 answer
     */
    S settings(TargetDefinition target, boolean allowWharf, ObjectNode workload);

    /** Where {@code settings} deploy, for the grant's {@linkplain #bounds() bounds}. */
    Place place(S settings);

    /** The workload part of {@code settings}, as a rule stores and shows it. */
    ObjectNode workload(S settings);

    /**
     * Checks settings when a rule is created or changed, without contacting the target.
     *
     * @throws IllegalArgumentException with a message fit for the API's 400 answer
     */
    void validate(S settings);

    /**
     * The image reference the target runs now, or null when it cannot be known (HTTP hooks) or the
     * target does not exist. Used as the "from" of a deployment and as the rollback image.
     */
    Uni<String> current(S settings);

    /**
     * Makes the target run {@code order.image()} ({@code host/repo:tag@sha256:…}); completes once the
     * target accepted the change, fails with a {@link TargetException} when it did not.
     */
    Uni<Void> apply(S settings, DeployOrder order);

    /**
     * Watches the change made by {@link #apply} until the target is available with the new image
     * ({@link Verification#succeeded()}), or it failed or {@code deadline} passed.
     */
    Uni<Verification> verify(S settings, DeployOrder order, Duration deadline);
}
