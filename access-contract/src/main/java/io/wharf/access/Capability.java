package io.wharf.access;

/** What a project role may do in its project; {@link ProjectRole} says which role may do which. */
public enum Capability {
    /** Pull images from the project's repositories. */
    PULL,
    /** Push images to the project's repositories. */
    PUSH,
    /** Delete manifests, tags and blobs in the project's repositories. */
    DELETE,
    /** Manage the project itself: members, robot accounts, visibility; delete the project. */
    MANAGE_PROJECT,
    /**
     * Manage what acts on the project's pushes and describes its repositories: webhook subscriptions
     * (create, change, delete, test, redeliver), deploy rules (create, change, delete, hold, release),
     * deployments (approve, reject, roll back), repository descriptions and READMEs.
     */
    MANAGE_AUTOMATION,
    /**
     * See the project beyond its images: members, robot names, events, subscriptions and their
     * deliveries, deploy rules and deployments.
     */
    READ_PROJECT
}
