package io.wharf.notifier.subscription;

import java.util.Arrays;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.wharf.events.WharfEvent;
import io.wharf.notifier.subscription.Subscription.PatternSyntax;

/**
 * Decides whether a registry event concerns a subscription: scope, event types, tag pattern. The
 * subscription's patterns are compiled once, when the matcher is made, so one matcher serves a whole
 * batch of events.
 */
public final class SubscriptionMatcher implements Predicate<WharfEvent<?>> {

    private final Subscription subscription;
    private final Pattern repositories;
    private final Set<String> eventTypes;
    private final Pattern tags;

    public SubscriptionMatcher(Subscription subscription) {
        this.subscription = subscription;
        this.repositories = subscription.scope == Subscription.Scope.REPOSITORY ? Glob.compile(subscription.repositoryGlob) : null;
        this.eventTypes = subscription.eventTypes == null || subscription.eventTypes.isBlank() ? null
                : Arrays.stream(subscription.eventTypes.split(",")).collect(Collectors.toUnmodifiableSet());
        this.tags = subscription.tagPattern == null || subscription.tagPattern.isBlank() ? null
                : subscription.tagPatternSyntax == PatternSyntax.REGEX ? Pattern.compile(subscription.tagPattern)
                : Glob.compile(subscription.tagPattern);
    }

    public static boolean matches(Subscription subscription, WharfEvent<?> event) {
        return new SubscriptionMatcher(subscription).test(event);
    }

    public Subscription subscription() {
        return subscription;
    }

    @Override
    public boolean test(WharfEvent<?> event) {
        if (!event.type().isRegistryEvent()) {
            return false;
        }
        String repository = event.data().repository();
        boolean inScope = switch (subscription.scope) {
            case GLOBAL -> true;
            case PROJECT -> repository.startsWith(subscription.project + "/");
            case REPOSITORY -> repositories.matcher(repository).matches();
        };
        if (!inScope || eventTypes != null && !eventTypes.contains(event.type().cloudEventType())) {
            return false;
        }
        if (tags == null) {
            return true;
        }
        String tag = event.data().tag();
        return tag != null && tags.matcher(tag).matches();
    }
}
