package io.wharf.notifier.subscription;

import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import io.wharf.outbound.OutboundRules;
import io.wharf.problem.validation.ProjectName;

import io.wharf.notifier.channel.ChannelKind;
import io.wharf.notifier.channel.PayloadFormat;

/**
 * A subscription as clients write it (create and replace). The constraints are what one field
 * alone must satisfy; {@link SubscriptionService} checks what depends on other fields (a project
 * for scope PROJECT, a URL for webhooks, recipients for email) and on the outbound guard.
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
        @NotBlank(message = "is required") @Size(max = 255, message = "must be at most 255 characters") String name,
        @NotNull(message = "is required: GLOBAL, PROJECT or REPOSITORY") Subscription.Scope scope,
        @ProjectName String project,
        @Size(max = 255, message = "must be at most 255 characters") String repository,
        @Size(max = 50, message = "must list at most 50 event types") List<@NotNull(message = "must not be null") String> eventTypes,
        @Size(max = 255, message = "must be at most 255 characters") String tagPattern,
        Subscription.PatternSyntax tagPatternSyntax,
        @NotNull(message = "is required: WEBHOOK, SLACK or EMAIL") ChannelKind channel,
        @Size(max = OutboundRules.MAX_URL_LENGTH, message = "must be at most " + OutboundRules.MAX_URL_LENGTH + " characters") String url,
        @Size(max = OutboundRules.MAX_HEADERS, message = OutboundRules.HEADER_COUNT_RULE)
        Map<@HeaderName String,
                @NotNull(message = "must have a value") @Size(max = OutboundRules.MAX_HEADER_VALUE_LENGTH, message = OutboundRules.HEADER_VALUE_RULE)
                @Pattern(regexp = OutboundRules.HEADER_VALUE_PATTERN, message = OutboundRules.HEADER_VALUE_RULE) String> headers,
        PayloadFormat payloadFormat,
        @Size(max = 50, message = "must list at most 50 addresses")
        List<@NotNull(message = "must be an email address") @Size(max = 254, message = "must be at most 254 characters") String> recipients,
        @Min(value = 1, message = "must be at least 1") Long digestIntervalSeconds,
        @Size(max = 254, message = "must be at most 254 characters") String ownerEmail,
        Boolean enabled) {
}
