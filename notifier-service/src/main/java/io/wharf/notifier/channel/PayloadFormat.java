package io.wharf.notifier.channel;

/** The body of a webhook request. */
public enum PayloadFormat { CLOUDEVENTS_STRUCTURED, CLOUDEVENTS_BINARY, COMPACT }
