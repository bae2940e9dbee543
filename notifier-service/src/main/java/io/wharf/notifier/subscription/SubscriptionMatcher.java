package io.wharf.notifier.subscription;

import java.util.Arrays;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import io.wharf.events.WharfEvent;
import io.wharf.notifier.subscription.Subscription.PatternSyntax;
import io.wharf.reference.Glob;
import io.wharf.reference.InvalidPatternException;

/**
 * Decides whether a registry event concerns a subscription: scope, event types, tag pattern. The
 * subscription's patterns are compiled once, when the matcher is made, so one matcher serves a whole
 * batch of events. Repository and tag globs are {@link Glob}s. A stored glob that the grammar refuses
 * (longer than {@value Glob#MAX_LENGTH} characters: older versions had no bound) matches nothing,
 * with a warning, rather than failing the batch.
 */
public final class SubscriptionMatcher implements Predicate<WharfEvent<?>> {

    private static final Logger LOG = Logger.getLogger(SubscriptionMatcher.class);
    private static final Predicate<String> NOTHING = value -> false;

    private final Subscription subscription;
    private final Predicate<String> repositories;
    private final Set<String> eventTypes;
    private final Predicate<String> tags;

    public SubscriptionMatcher(Subscription subscription) {
        this.subscription = subscription;
        this.repositories = subscription.scope == Subscription.Scope.REPOSITORY ? glob(subscription.repositoryGlob) : null;
        this.eventTypes = subscription.eventTypes == null || subscription.eventTypes.isBlank() ? null
                : Arrays.stream(subscription.eventTypes.split(",")).collect(Collectors.toUnmodifiableSet());
        this.tags = subscription.tagPattern == null || subscription.tagPattern.isBlank() ? null
                : subscription.tagPatternSyntax == PatternSyntax.REGEX ? Pattern.compile(subscription.tagPattern).asMatchPredicate()
                : glob(subscription.tagPattern);
    }

    private Predicate<String> glob(String pattern) {
        try {
            return Glob.compile(pattern)::matches;
        } catch (InvalidPatternException e) {
            LOG.warnf("subscription %s: pattern %s matches nothing: %s", subscription.id, pattern, e.getMessage());
            return NOTHING;
        }
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
            case REPOSITORY -> repositories.test(repository);
        };
        if (!inScope || eventTypes != null && !eventTypes.contains(event.type().cloudEventType())) {
            return false;
        }
        if (tags == null) {
            return true;
        }
        String tag = event.data().tag();
        return tag != null && tags.test(tag);
    }
}
