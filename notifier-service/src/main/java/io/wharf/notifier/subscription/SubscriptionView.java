package io.wharf.notifier.subscription;

import java.net.URI;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.wharf.notifier.channel.ChannelKind;
import io.wharf.notifier.channel.PayloadFormat;

/**
 * A subscription as clients read it. Secrets are masked: header values, the Slack URL's path and
 * any URL query are never shown; {@code secret} is present only in the answer that created or
 * rotated it. {@code tagPatternProblem} is present when the stored tag pattern is one the grammar now
 * refuses (stored by an older version, e.g. a regex with a backreference): it says why, and the
 * subscription matches no event until it is given a pattern the grammar accepts.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SubscriptionView(
        UUID id,
        String name,
        Subscription.Scope scope,
        String project,
        String repository,
        List<String> eventTypes,
        String tagPattern,
        Subscription.PatternSyntax tagPatternSyntax,
        String tagPatternProblem,
        ChannelKind channel,
        String url,
        Map<String, String> headers,
        PayloadFormat payloadFormat,
        List<String> recipients,
        Long digestIntervalSeconds,
        String owner,
        String ownerEmail,
        boolean enabled,
        String disabledReason,
        OffsetDateTime disabledAt,
        OffsetDateTime failingSince,
        OffsetDateTime createdAt,
        String secret) {

    static final String MASK = "********";

    public static SubscriptionView of(Subscription s) {
        return of(s, null);
    }

    public static SubscriptionView of(Subscription s, String secret) {
        Map<String, String> headers = new LinkedHashMap<>();
        s.customHeaders().keySet().forEach(name -> headers.put(name, MASK));
        return new SubscriptionView(s.id, s.name, s.scope, s.project, s.repositoryGlob,
                s.eventTypes == null ? List.of() : Arrays.asList(s.eventTypes.split(",")),
                s.tagPattern, s.tagPatternSyntax, SubscriptionMatcher.tagPatternProblem(s), s.channel, maskedUrl(s),
                headers.isEmpty() ? null : headers,
                s.payloadFormat, s.recipients == null ? null : Arrays.asList(s.recipients.split(",")),
                s.digestIntervalSeconds, s.owner, s.ownerEmail, s.enabled, s.disabledReason, s.disabledAt,
                s.failingSince, s.createdAt, secret);
    }

    private static String maskedUrl(Subscription s) {
        if (s.url == null) {
            return null;
        }
        URI url = URI.create(s.url);
        String base = url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
        if (s.channel == ChannelKind.SLACK) {
            return base + "/" + MASK;
        }
        return base + (url.getRawPath() == null ? "" : url.getRawPath()) + (url.getRawQuery() == null ? "" : "?" + MASK);
    }
}
