package io.wharf.notifier.subscription;

import java.util.Arrays;
import java.util.regex.Pattern;

import io.wharf.events.WharfEvent;
import io.wharf.notifier.subscription.Subscription.PatternSyntax;

/** Decides whether a registry event concerns a subscription: scope, event types, tag pattern. */
public final class SubscriptionMatcher {

    private SubscriptionMatcher() {
    }

    public static boolean matches(Subscription subscription, WharfEvent<?> event) {
        if (!event.type().isRegistryEvent()) {
            return false;
        }
        String repository = event.data().repository();
        boolean inScope = switch (subscription.scope) {
            case GLOBAL -> true;
            case PROJECT -> repository.startsWith(subscription.project + "/");
            case REPOSITORY -> Glob.matches(subscription.repositoryGlob, repository);
        };
        if (!inScope) {
            return false;
        }
        if (subscription.eventTypes != null && !subscription.eventTypes.isBlank()
                && Arrays.stream(subscription.eventTypes.split(",")).noneMatch(event.type().cloudEventType()::equals)) {
            return false;
        }
        if (subscription.tagPattern != null && !subscription.tagPattern.isBlank()) {
            String tag = event.data().tag();
            if (tag == null) {
                return false;
            }
            Pattern pattern = subscription.tagPatternSyntax == PatternSyntax.REGEX
                    ? Pattern.compile(subscription.tagPattern)
                    : Glob.compile(subscription.tagPattern);
            return pattern.matcher(tag).matches();
        }
        return true;
    }
}
