package io.wharf.deployer.targets.http;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.net.SocketAddress;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.wharf.deployer.config.DeployerConfig;
import io.wharf.deployer.rule.DeployerException;
import io.wharf.deployer.rule.DurationText;
import io.wharf.deployer.targets.DeployOrder;
import io.wharf.deployer.targets.DeployTarget;
import io.wharf.deployer.targets.GrantBounds;
import io.wharf.deployer.targets.Place;
import io.wharf.deployer.targets.TargetDefinition;
import io.wharf.deployer.targets.TargetException;
import io.wharf.deployer.targets.Verification;
import io.wharf.outbound.AddressGuard;
import io.wharf.outbound.OutboundRules;
import io.wharf.outbound.RefusedAddressException;
import io.wharf.outbound.SecretBox;
import io.wharf.outbound.WebhookSignature;

/**
 * Deploys by calling an HTTP hook (a CI job, a PaaS deploy endpoint): one signed request per change,
 * a 2xx answer means the change was applied. The target cannot be asked what it runs ({@link #current}
 * is null) and has nothing to watch ({@link #verify} succeeds once applied). Redirects are not followed;
 * the {@link AddressGuard}, under {@code wharf.deployer.outbound}, checks the address connected to.
 *
 * <p>A target's endpoint is the hook URL; its query values, its header values and its signing secret are
 * credentials: stored sealed, shown as {@value DeployTarget#MASK}. A rule names nothing beyond the target.
 */
@ApplicationScoped
public class HttpHookTarget implements DeployTarget<HttpHookSettings> {

    private static final Set<String> SETTINGS = Set.of("method", "contentType", "bodyTemplate", "headers", "timeout", "secret");
    private static final Set<String> METHODS = Set.of("POST", "PUT", "PATCH");

    private final WebClient client;
    private final Vertx vertx;
    private final AddressGuard guard;
    private final SecretBox secrets;
    private final Duration defaultTimeout;

    public HttpHookTarget(Vertx vertx, SecretBox secrets, DeployerConfig config) {
        this.vertx = vertx;
        this.guard = new AddressGuard(config.outbound().allowPrivate(), config.outbound().allowedNetworks().orElse(List.of()));
        this.secrets = secrets;
        this.defaultTimeout = config.outbound().requestTimeout();
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setFollowRedirects(false)
                .setForceSni(true)
                .setUserAgent("Wharf-Deployer/1")
                .setConnectTimeout((int) config.outbound().connectTimeout().toMillis()));
    }

    @Override
    public String kind() {
        return "http";
    }

    @Override
    public Class<HttpHookSettings> settingsType() {
        return HttpHookSettings.class;
    }

    @Override
    public GrantBounds bounds() {
        return GrantBounds.NONE;
    }

    @Override
    public String endpointOf(String endpoint) {
        return hookUrl(endpoint, null).shown();
    }

    /** A hook URL: as shown (query values masked) and in clear; {@code query} is the clear query or null. */
    private record HookUrl(String shown, String query) {
    }

    /**
     * Reads a hook URL; a masked query value takes the one in {@code kept} ({@code query}), or is dropped.
     * Without {@code kept} (null), only the URL as shown is wanted: masked values count as given.
     */
    private static HookUrl hookUrl(String endpoint, JsonNode kept) {
        String given = endpoint == null ? "" : endpoint.trim();
        URI url;
        try {
            url = URI.create(given);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("endpoint is not a URL");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new IllegalArgumentException("endpoint must be an http or https URL with a host");
        }
        if (url.getRawUserInfo() != null) {
            throw new IllegalArgumentException("endpoint must not carry credentials; use headers");
        }
        if (url.getRawFragment() != null) {
            throw new IllegalArgumentException("endpoint must not carry a fragment");
        }
        String base = scheme + "://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath());
        Map<String, String> stored = new LinkedHashMap<>();
        for (String part : kept == null ? new String[0] : kept.path("query").asText("").split("&")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                stored.putIfAbsent(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        List<String> shown = new ArrayList<>();
        List<String> clear = new ArrayList<>();
        for (String part : url.getRawQuery() == null ? new String[0] : url.getRawQuery().split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            if (MASK.equals(value) && kept != null) {
                value = stored.get(name);
                if (value == null) {
                    continue;
                }
            }
            shown.add(name + "=" + MASK);
            clear.add(name + "=" + value);
        }
        return new HookUrl(base + (shown.isEmpty() ? "" : "?" + String.join("&", shown)),
                clear.isEmpty() ? null : String.join("&", clear));
    }

    /**
     * Settings: {@code method}, {@code contentType}, {@code bodyTemplate}, {@code timeout}, {@code headers} and
     * the signing {@code secret}. Header values, query values and the secret are credentials; a masked one
     * keeps the stored value (none after an endpoint change: the header or query parameter is dropped and a
     * new secret generated, shown once like a secret given in clear).
     */
    /** Refuses a hook URL whose host the outbound guard refuses, as the notifier refuses such a webhook when it is saved. */
    @Override
    public Uni<Void> admissible(String endpoint) {
        String host;
        try {
            host = URI.create(endpoint == null ? "" : endpoint.trim()).getHost();
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().voidItem(); // define says what is wrong with it
        }
        if (host == null) {
            return Uni.createFrom().voidItem();
        }
        return vertx.executeBlocking(Uni.createFrom().item(() -> {
            try {
                guard.resolve(host);
            } catch (UnknownHostException e) {
                // It may resolve by the time a deployment calls it; the guard checks again then.
            } catch (RefusedAddressException e) {
                throw new IllegalArgumentException(e.getMessage() + "; deploy hooks may not call it");
            }
            return null;
        })).replaceWithVoid();
    }

    @Override
    public TargetDefinition define(String endpoint, ObjectNode settings, ObjectNode kept) {
        TargetDefinition definition = definitionOf(endpoint, settings, kept);
        settings(definition, false, JsonNodeFactory.instance.objectNode());
        return definition;
    }

    /** {@link #define} without the final check of the method, timeout, headers and secret (migrations use it). */
    public static TargetDefinition definitionOf(String endpoint, ObjectNode settings, ObjectNode kept) {
        for (Iterator<String> names = settings.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!SETTINGS.contains(field)) {
                throw new IllegalArgumentException("unknown http target setting '" + field + "'; known: " + SETTINGS
                        + " (the URL is the endpoint)");
            }
        }
        HookUrl url = hookUrl(endpoint, kept);
        ObjectNode shown = JsonNodeFactory.instance.objectNode();
        ObjectNode credentials = JsonNodeFactory.instance.objectNode();
        for (String field : List.of("method", "contentType", "bodyTemplate", "timeout")) {
            JsonNode value = settings.get(field);
            if (value != null && !value.isNull()) {
                if (!value.isTextual()) {
                    throw new IllegalArgumentException(field + " must be a string");
                }
                shown.put(field, value.asText());
            }
        }
        JsonNode headers = settings.path("headers");
        if (!headers.isMissingNode() && !headers.isNull()) {
            if (!headers.isObject()) {
                throw new IllegalArgumentException("headers must be an object of header names and values");
            }
            ObjectNode shownHeaders = shown.putObject("headers");
            ObjectNode clearHeaders = credentials.putObject("headers");
            headers.fields().forEachRemaining(header -> {
                String value = header.getValue().asText("");
                if (MASK.equals(value)) {
                    value = kept.path("headers").path(header.getKey()).asText(null);
                }
                if (value != null) {
                    shownHeaders.put(header.getKey(), MASK);
                    clearHeaders.put(header.getKey(), value);
                }
            });
        }
        String secret = settings.path("secret").asText("").trim();
        String shownSecret = null;
        if (secret.isEmpty() || MASK.equals(secret)) {
            secret = kept.path("secret").asText("");
            if (secret.isEmpty()) {
                secret = WebhookSignature.newSecret();
                shownSecret = secret;
            }
        } else {
            shownSecret = secret;
        }
        shown.put("secret", MASK);
        credentials.put("secret", secret);
        if (url.query() != null) {
            credentials.put("query", url.query());
        }
        return new TargetDefinition(url.shown(), shown, credentials, shownSecret);
    }

    @Override
    public HttpHookSettings settings(TargetDefinition target, boolean allowWharf, ObjectNode workload) {
        if (!workload.isEmpty()) {
            throw new IllegalArgumentException("an http target takes no workload: the hook is the whole target");
        }
        String endpoint = target.endpoint();
        int query = endpoint.indexOf('?');
        String clearQuery = target.credentials().path("query").asText("");
        String url = (query < 0 ? endpoint : endpoint.substring(0, query)) + (clearQuery.isEmpty() ? "" : "?" + clearQuery);
        ObjectNode shown = target.settings();
        Map<String, String> headers = null;
        if (target.credentials().path("headers").isObject()) {
            headers = new LinkedHashMap<>();
            Map<String, String> clear = headers;
            target.credentials().get("headers").fields().forEachRemaining(h -> clear.put(h.getKey(), h.getValue().asText()));
        }
        HttpHookSettings s = new HttpHookSettings(url, shown.path("method").asText(null), shown.path("contentType").asText(null),
                shown.path("bodyTemplate").asText(null), headers, shown.path("timeout").asText(null),
                target.credentials().path("secret").asText(null));
        validate(s);
        return s;
    }

    @Override
    public Place place(HttpHookSettings settings) {
        return new Place(null, null);
    }

    @Override
    public ObjectNode workload(HttpHookSettings settings) {
        return JsonNodeFactory.instance.objectNode();
    }

    @Override
    public void validate(HttpHookSettings settings) {
        String given = require(settings.url(), "url");
        URI url;
        try {
            url = URI.create(given);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("url is not a URL: " + settings.url());
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new IllegalArgumentException("url must be an http or https URL with a host");
        }
        if (url.getUserInfo() != null) {
            throw new IllegalArgumentException("url must not carry credentials; use headers");
        }
        if (!METHODS.contains(settings.methodOrDefault())) {
            throw new IllegalArgumentException("method must be one of " + METHODS);
        }
        String headers = OutboundRules.headersProblem(settings.headers());
        if (headers != null) {
            throw new IllegalArgumentException(headers);
        }
        try {
            timeout(settings);
        } catch (DeployerException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        String secret = settings.secret();
        if (secret != null && !secret.isBlank() && !SecretBox.isSealed(secret) && !MASK.equals(secret)) {
            try {
                WebhookSignature.key(secret);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("secret must be whsec_ followed by base64 of at least 16 bytes");
            }
        }
    }

    @Override
    public Uni<String> current(HttpHookSettings settings) {
        return Uni.createFrom().nullItem();
    }

    @Override
    public Uni<Void> apply(HttpHookSettings settings, DeployOrder order) {
        URI url = URI.create(settings.url());
        boolean tls = "https".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() > 0 ? url.getPort() : tls ? 443 : 80;
        String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        String contentType = settings.contentTypeOrDefault();
        byte[] body = render(settings.templateOrDefault(), order, contentType.toLowerCase(Locale.ROOT).contains("json"))
                .getBytes(StandardCharsets.UTF_8);
        String messageId = UUID.nameUUIDFromBytes((order.deploymentId() + "|" + order.image()).getBytes(StandardCharsets.UTF_8)).toString();
        long timestamp = Instant.now().getEpochSecond();
        Map<String, String> signature = WebhookSignature.headers(List.of(SecretBox.isSealed(settings.secret()) ? secrets.open(settings.secret()) : settings.secret()), messageId, timestamp, body);
        HttpMethod method = HttpMethod.valueOf(settings.methodOrDefault());
        return vertx.executeBlocking(Uni.createFrom().item(() -> resolve(url.getHost())))
                .chain(address -> {
                    RequestOptions options = new RequestOptions().setMethod(method).setHost(url.getHost()).setPort(port)
                            .setSsl(tls).setURI(path).setTimeout(timeout(settings).toMillis());
                    var request = client.request(method, SocketAddress.inetSocketAddress(port, address.getHostAddress()), options)
                            .putHeader("content-type", contentType);
                    signature.forEach(request::putHeader);
                    if (settings.headers() != null) {
                        settings.headers().forEach(request::putHeader);
                    }
                    return request.sendBuffer(Buffer.buffer(body));
                })
                .onFailure(failure -> !(failure instanceof TargetException))
                .transform(failure -> new TargetException("hook " + settings.displayName() + " unreachable: " + failure.getMessage(), failure))
                .map(response -> {
                    if (response.statusCode() / 100 != 2) {
                        throw new TargetException("hook " + settings.displayName() + " answered " + response.statusCode());
                    }
                    return null;
                });
    }

    @Override
    public Uni<Verification> verify(HttpHookSettings settings, DeployOrder order, Duration deadline) {
        return Uni.createFrom().item(Verification.success("hook accepted the change", null));
    }

    /** The template with placeholders replaced; values JSON-escaped for JSON bodies. */
    static String render(String template, DeployOrder order, boolean json) {
        Map<String, String> values = Map.of(
                "image", order.image(),
                "digest", order.digest(),
                "tag", order.tag() == null ? "" : order.tag(),
                "repository", order.repository(),
                "deploymentId", order.deploymentId(),
                "ruleId", order.ruleId() == null ? "" : order.ruleId(),
                "eventId", order.eventId() == null ? "" : order.eventId(),
                "previousImage", order.previousImage() == null ? "" : order.previousImage());
        String out = template;
        for (Map.Entry<String, String> value : values.entrySet()) {
            String text = json ? new String(JsonStringEncoder.getInstance().quoteAsString(value.getValue())) : value.getValue();
            out = out.replace("{{" + value.getKey() + "}}", text);
        }
        return out;
    }

    /** The address to connect to (blocking lookup); {@link TargetException} when it does not resolve or is refused. */
    private InetAddress resolve(String host) {
        try {
            return guard.resolve(host);
        } catch (UnknownHostException e) {
            throw new TargetException("cannot resolve " + host);
        } catch (RefusedAddressException e) {
            throw new TargetException(e.getMessage() + "; deploy hooks may not call it");
        }
    }

    private Duration timeout(HttpHookSettings settings) {
        Duration d = DurationText.parse("timeout", settings.timeout());
        return d.isZero() ? defaultTimeout : d;
    }

    private static String require(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value.trim();
    }
}
