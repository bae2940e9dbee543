package io.wharf.notifier.channel;

/** Where notifications go: one {@link NotificationChannel} per kind. */
public enum ChannelKind { WEBHOOK, SLACK, EMAIL }
