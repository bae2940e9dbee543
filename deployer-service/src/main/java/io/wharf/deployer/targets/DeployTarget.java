package io.wharf.deployer.targets;

import java.time.Duration;

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
 * @param <S> the target's settings, as stored with the rule
 */
public interface DeployTarget<S extends TargetSettings> {

    /** The rule target kind this implementation serves: {@code kubernetes}, {@code docker} or {@code http}. */
    String kind();

    /** The settings type (the rule API reads settings JSON into it). */
    Class<S> settingsType();

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
