package io.wharf.notifier.subscription;

import java.net.URI;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.wharf.access.Access;
import io.wharf.events.AuditEventData;
import io.wharf.events.AuditEventData.Actions;
import io.wharf.events.EventCodec;
import io.wharf.events.EventType;
import io.wharf.events.RegistryEventData;
import io.wharf.events.WharfEvent;
import io.wharf.intake.AuditTrail;
import io.wharf.notifier.channel.ChannelKind;
import io.wharf.notifier.channel.OutboundGuard;
import io.wharf.notifier.channel.PayloadFormat;
import io.wharf.notifier.channel.RefusedTargetException;
import io.wharf.notifier.channel.UnreachableTargetException;
import io.wharf.notifier.config.NotifierConfig;
import io.wharf.reference.Glob;
import io.wharf.reference.InvalidPatternException;
import io.wharf.reference.InvalidReferenceException;
import io.wharf.reference.RepositoryGlob;
import io.wharf.reference.RepositoryNames;
import io.wharf.reference.TagRegex;
import io.wharf.outbound.OutboundRules;
import io.wharf.outbound.WebhookSignature;

/**
 * Managing subscriptions, with the access rules of {@link Access}: global subscriptions for system
 * admins, a project's for its managers (read: its members but limited guests). Their delivery log
 * is {@code DeliveryService}'s, under the same rules ({@link #readable}, {@link #manageable}).
 * Every change, and every change refused for want of rights, leaves an entry in the audit log
 * ({@link AuditTrail}) whose summary names no secret, header or URL path.
 */
@ApplicationScoped
public class SubscriptionService {


    private final SubscriptionRepository subscriptions;
    private final OutboundGuard guard;
    private final NotifierConfig config;
    private final AuditTrail audit;

    public SubscriptionService(SubscriptionRepository subscriptions, OutboundGuard guard, NotifierConfig config,
            AuditTrail audit) {
        this.subscriptions = subscriptions;
        this.guard = guard;
        this.config = config;
        this.audit = audit;
    }

    public Uni<List<SubscriptionView>> list(Access access, String project) {
        if (project != null && !access.canRead(project)) {
            return Uni.createFrom().failure(SubscriptionException.forbidden("you may not see subscriptions of " + project));
        }
        return Panache.withSession(() -> project == null ? subscriptions.all() : subscriptions.ofProject(project))
                .map(all -> all.stream().filter(s -> access.canRead(s.project)).map(SubscriptionView::of).toList());
    }

    public Uni<SubscriptionView> get(Access access, UUID id) {
        return Panache.withSession(() -> readable(access, id)).map(SubscriptionView::of);
    }

    public Uni<SubscriptionView> create(Access access, SubscriptionRequest request) {
        Subscription subscription = new Subscription();
        subscription.id = UUID.randomUUID();
        subscription.owner = access.user();
        subscription.enabled = true;
        subscription.createdAt = OffsetDateTime.now();
        subscription.updatedAt = subscription.createdAt;
        apply(request, subscription);
        String secret = subscription.channel == ChannelKind.WEBHOOK ? WebhookSignature.newSecret() : null;
        subscription.secret = secret;
        return Uni.createFrom().voidItem().invoke(() -> authorize(access, subscription.project))
                .chain(() -> checkTarget(subscription))
                .chain(() -> Panache.withTransaction(() -> subscriptions.persist(subscription)
                        .call(saved -> audit.record(described(audit.entry(access, Actions.SUBSCRIPTION_CREATED,
                                saved.project, saved.id.toString()), saved)))))
                .call(audit::relay)
                .onFailure(SubscriptionService::isRefusal).call(e -> audit.refused(() -> audit.entry(access,
                        Actions.SUBSCRIPTION_CREATED, ((SubscriptionException) e).project(), null).summary("name", subscription.name)))
                .map(saved -> SubscriptionView.of(saved, secret));
    }

    public Uni<SubscriptionView> replace(Access access, UUID id, SubscriptionRequest request) {
        return Panache.withSession(() -> manageable(access, id)).chain(existing -> {
            Subscription changed = new Subscription();
            apply(request, changed);
            authorize(access, changed.project);
            return checkTarget(changed).chain(() -> Panache.withTransaction(() -> manageable(access, id).map(s -> {
                boolean wasWebhook = s.channel == ChannelKind.WEBHOOK;
                copyDefinition(changed, s);
                if (s.channel == ChannelKind.WEBHOOK && (!wasWebhook || s.secret == null)) {
                    s.secret = WebhookSignature.newSecret();
                }
                if (request.enabled() != null && request.enabled() != s.enabled) {
                    s.enabled = request.enabled();
                    s.disabledReason = s.enabled ? null : "disabled by " + access.user();
                    s.disabledAt = s.enabled ? null : OffsetDateTime.now();
                    s.failingSince = null;
                    s.pausedUntil = null;
                }
                s.updatedAt = OffsetDateTime.now();
                return s;
            }).call(s -> audit.record(described(audit.entry(access, Actions.SUBSCRIPTION_CHANGED, s.project, id.toString()), s)))));
        })
                .call(audit::relay)
                .onFailure(SubscriptionService::isRefusal).call(e -> refused(access, Actions.SUBSCRIPTION_CHANGED, e, id))
                .map(SubscriptionView::of);
    }

    public Uni<Void> delete(Access access, UUID id) {
        return Panache.withTransaction(() -> manageable(access, id).call(subscriptions::delete)
                        .chain(s -> audit.record(audit.entry(access, Actions.SUBSCRIPTION_DELETED, s.project, id.toString())
                                .summary("name", s.name).summary("channel", s.channel))))
                .call(audit::relay)
                .onFailure(SubscriptionService::isRefusal).call(e -> refused(access, Actions.SUBSCRIPTION_DELETED, e, id));
    }

    /** A new signing secret; the old one keeps signing (a second signature) for the rotation overlap. */
    public Uni<SubscriptionView> rotateSecret(Access access, UUID id) {
        String secret = WebhookSignature.newSecret();
        return Panache.withTransaction(() -> manageable(access, id).map(s -> {
            if (s.channel != ChannelKind.WEBHOOK) {
                throw SubscriptionException.invalid("only webhooks have a signing secret");
            }
            s.previousSecret = s.secret;
            s.previousSecretExpiresAt = OffsetDateTime.now().plus(config.delivery().secretRotationOverlap());
            s.secret = secret;
            s.updatedAt = OffsetDateTime.now();
            return s;
        }).call(s -> audit.record(audit.entry(access, Actions.SUBSCRIPTION_CHANGED, s.project, id.toString())
                .summary("name", s.name).summary("change", "signing secret rotated"))))
                .call(audit::relay)
                .onFailure(SubscriptionService::isRefusal).call(e -> refused(access, Actions.SUBSCRIPTION_CHANGED, e, id))
                .map(s -> SubscriptionView.of(s, secret));
    }

    /** Whether {@code failure} refused the caller for want of rights (the audit log records those). */
    public static boolean isRefusal(Throwable failure) {
        return failure instanceof SubscriptionException e && e.isForbidden();
    }

    /** Records that {@code refusal} refused {@code action} on subscription {@code id}, in the project it names. */
    public Uni<Void> refused(Access access, String action, Throwable refusal, UUID id) {
        return audit.refused(() -> audit.entry(access, action, ((SubscriptionException) refusal).project(), id.toString()));
    }

    /**
     * What the audit log says of a subscription: its definition without secrets, headers, recipients or
     * URL paths and queries (a Slack webhook URL's path is its token); the URL's host only.
     */
    private static AuditEventData.Builder described(AuditEventData.Builder entry, Subscription s) {
        return entry.summary("name", s.name)
                .summary("scope", s.scope)
                .summary("channel", s.channel)
                .summary("repository", s.repositoryGlob)
                .summary("eventTypes", s.eventTypes)
                .summary("tagPattern", s.tagPattern)
                .summary("host", s.url == null ? null : URI.create(s.url).getHost())
                .summary("recipients", s.recipients == null ? null : s.recipients.split(",").length)
                .summary("enabled", s.enabled);
    }

    private Uni<Subscription> existing(UUID id) {
        return subscriptions.findById(id).onItem().ifNull()
                .failWith(() -> SubscriptionException.notFound("no subscription " + id));
    }

    /** The subscription, when {@code access} may read it (404, 403 otherwise); within a session. */
    public Uni<Subscription> readable(Access access, UUID id) {
        return existing(id).invoke(s -> {
            if (!access.canRead(s.project)) {
                throw SubscriptionException.forbidden("you may not see this subscription");
            }
        });
    }

    /** The subscription, when {@code access} may change it (404, 403 otherwise); within a session. */
    public Uni<Subscription> manageable(Access access, UUID id) {
        return existing(id).invoke(s -> authorize(access, s.project));
    }

    private static void authorize(Access access, String project) {
        if (!access.canManage(project)) {
            throw SubscriptionException.forbiddenIn(project, project == null
                    ? "only system admins manage global subscriptions"
                    : "only system admins, project admins and maintainers of " + project + " manage its subscriptions");
        }
    }

    /** Refuses targets the outbound guard refuses; a name that does not resolve yet is accepted. */
    private Uni<Void> checkTarget(Subscription subscription) {
        if (subscription.url == null) {
            return Uni.createFrom().voidItem();
        }
        return guard.resolve(URI.create(subscription.url))
                .onFailure(UnreachableTargetException.class).recoverWithNull()
                .onFailure(RefusedTargetException.class).transform(e -> SubscriptionException.invalid(e.getMessage()))
                .replaceWithVoid();
    }

    private static void copyDefinition(Subscription from, Subscription to) {
        to.name = from.name;
        to.scope = from.scope;
        to.project = from.project;
        to.repositoryGlob = from.repositoryGlob;
        to.eventTypes = from.eventTypes;
        to.tagPattern = from.tagPattern;
        to.tagPatternSyntax = from.tagPatternSyntax;
        to.channel = from.channel;
        to.url = from.url;
        to.headers = from.headers;
        to.payloadFormat = from.payloadFormat;
        to.recipients = from.recipients;
        to.digestIntervalSeconds = from.digestIntervalSeconds;
        to.ownerEmail = from.ownerEmail;
    }

    /**
     * Checks what the request's constraints ({@link SubscriptionRequest}, already validated) cannot
     * say alone, and writes its definition into {@code s}.
     */
    static void apply(SubscriptionRequest r, Subscription s) {
        if (r == null) {
            throw SubscriptionException.invalid("a subscription is required");
        }
        s.name = r.name().trim();
        s.scope = r.scope();
        switch (r.scope()) {
            case GLOBAL -> {
                s.project = null;
                s.repositoryGlob = null;
            }
            case PROJECT -> {
                s.project = required(r.project(), "project");
                s.repositoryGlob = null;
            }
            case REPOSITORY -> {
                RepositoryGlob glob = repositoryGlob(required(r.repository(), "repository"));
                s.project = glob.project();
                if (r.project() != null && !r.project().equals(s.project)) {
                    throw SubscriptionException.invalid("repository " + glob + " is not in project " + r.project());
                }
                s.repositoryGlob = glob.pattern();
            }
        }
        s.eventTypes = eventTypes(r.eventTypes());
        s.tagPattern = r.tagPattern() == null || r.tagPattern().isBlank() ? null : r.tagPattern();
        s.tagPatternSyntax = s.tagPattern == null ? null
                : r.tagPatternSyntax() == null ? Subscription.PatternSyntax.GLOB : r.tagPatternSyntax();
        if (s.tagPattern != null) {
            try {
                if (s.tagPatternSyntax == Subscription.PatternSyntax.REGEX) {
                    TagRegex.compile(s.tagPattern);
                } else {
                    Glob.compile(s.tagPattern);
                }
            } catch (InvalidPatternException e) {
                throw SubscriptionException.invalid("tagPattern: " + e.getMessage());
            }
        }
        s.channel = r.channel();
        s.ownerEmail = r.ownerEmail() == null || r.ownerEmail().isBlank() ? null : email(r.ownerEmail());
        s.url = null;
        s.headers = null;
        s.payloadFormat = null;
        s.recipients = null;
        s.digestIntervalSeconds = null;
        switch (r.channel()) {
            case WEBHOOK -> {
                s.url = url(r.url());
                s.headers = headers(r.headers());
                s.payloadFormat = r.payloadFormat() == null ? PayloadFormat.CLOUDEVENTS_STRUCTURED : r.payloadFormat();
            }
            case SLACK -> s.url = url(r.url());
            case EMAIL -> {
                if (r.recipients() == null || r.recipients().isEmpty()) {
                    throw SubscriptionException.invalid("recipients are required for email");
                }
                s.recipients = String.join(",", r.recipients().stream().map(SubscriptionService::email).toList());
                s.digestIntervalSeconds = r.digestIntervalSeconds();
            }
        }
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw SubscriptionException.invalid(field + " is required");
        }
        return value.trim();
    }

    private static String projectName(String project) {
        try {
            RepositoryNames.validateProject(project);
        } catch (InvalidReferenceException e) {
            throw SubscriptionException.invalid("not a project name: " + project + " (" + e.getMessage() + ")");
        }
        return project;
    }

    private static RepositoryGlob repositoryGlob(String repository) {
        try {
            return RepositoryGlob.parse(repository);
        } catch (InvalidPatternException e) {
            throw SubscriptionException.invalid(e.getMessage());
        }
    }

    private static String eventTypes(List<String> types) {
        if (types == null || types.isEmpty()) {
            return null;
        }
        List<String> resolved = new ArrayList<>();
        for (String type : types) {
            String full = type.startsWith(EventType.TYPE_PREFIX) ? type : EventType.TYPE_PREFIX + type;
            EventType eventType = EventType.find(full)
                    .filter(t -> t.isRegistryEvent() || t.isStorageEvent())
                    .orElseThrow(() -> SubscriptionException.invalid("not a registry event type: " + type));
            if (!resolved.contains(eventType.cloudEventType())) {
                resolved.add(eventType.cloudEventType());
            }
        }
        return String.join(",", resolved);
    }

    private static String url(String value) {
        String url = required(value, "url");
        String problem = OutboundRules.urlProblem(url);
        if (problem != null) {
            throw SubscriptionException.invalid("url: " + problem);
        }
        return url;
    }

    private static String headers(Map<String, String> headers) {
        if (headers == null || headers.isEmpty()) {
            return null;
        }
        String problem = OutboundRules.headersProblem(headers);
        if (problem != null) {
            throw SubscriptionException.invalid(problem);
        }
        try {
            return EventCodec.objectMapper().writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String email(String address) {
        String trimmed = address == null ? "" : address.trim();
        if (!trimmed.matches("[^@\\s,]+@[^@\\s,]+")) {
            throw SubscriptionException.invalid("not an email address: " + address);
        }
        return trimmed;
    }
}
