package io.wharf.notifier.subscription;

import java.util.List;
import java.util.Map;

import io.wharf.notifier.channel.ChannelKind;
import io.wharf.notifier.channel.PayloadFormat;

/**
 * A subscription as clients write it (create and replace).
 *
 * @param name                  display name
 * @param scope                 GLOBAL (system admins), PROJECT or REPOSITORY
 * @param project               the project, for scope PROJECT
 * @param repository            a repository glob within one project, for scope REPOSITORY (e.g. {@code acme/api-*})
 * @param eventTypes            event types to notify about ({@code artifact.pushed} or {@code io.wharf.artifact.pushed}); empty = all
 * @param tagPattern            only events whose tag matches (events without a tag then never match)
 * @param tagPatternSyntax      GLOB (default) or REGEX
 * @param channel               WEBHOOK, SLACK or EMAIL
 * @param url                   webhook or Slack incoming-webhook URL
 * @param headers               webhook: extra request headers (values are never shown again)
 * @param payloadFormat         webhook: CLOUDEVENTS_STRUCTURED (default), CLOUDEVENTS_BINARY or COMPACT
 * @param recipients            email: addresses
 * @param digestIntervalSeconds email: send one digest per interval instead of one mail per event
 * @param ownerEmail            told when the subscription is disabled
 * @param enabled               replace only: true re-enables a disabled subscription, false disables it
 */
public record SubscriptionRequest(
        String name,
        Subscription.Scope scope,
        String project,
        String repository,
        List<String> eventTypes,
        String tagPattern,
        Subscription.PatternSyntax tagPatternSyntax,
        ChannelKind channel,
        String url,
        Map<String, String> headers,
        PayloadFormat payloadFormat,
        List<String> recipients,
        Long digestIntervalSeconds,
        String ownerEmail,
        Boolean enabled) {
}
