package io.wharf.notifier.channel;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Where one subscription's messages go and how, as much as a {@link NotificationChannel} needs to
 * send them. It is taken from the subscription for one send, so channels never see the stored
 * subscription. It holds secrets (the URL of a Slack webhook, header values, signing secrets):
 * {@link #toString()} shows none of them.
 *
 * @param kind          which channel sends
 * @param url           webhook or Slack URL; null for email
 * @param headers       webhook: extra request headers (empty when none)
 * @param payloadFormat webhook: the body's format; null for the other channels
 * @param secrets       webhook: the secrets that sign now, as stored (the current one, then the
 *                      previous one while its rotation overlap lasts); empty for the other channels
 * @param recipients    email: the addresses (empty for the other channels)
 */
public record Destination(ChannelKind kind, String url, Map<String, String> headers, PayloadFormat payloadFormat,
        List<String> secrets, List<String> recipients) {

    public Destination {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
        recipients = recipients == null ? List.of() : List.copyOf(recipients);
    }

    /** The host of the URL: where messages go, without anything secret. */
    String host() {
        return URI.create(url).getHost();
    }

    @Override
    public String toString() {
        return kind + (url == null ? " to " + recipients.size() + " recipient(s)" : " to " + host());
    }
}
