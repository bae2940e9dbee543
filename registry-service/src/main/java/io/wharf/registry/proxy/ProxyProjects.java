package io.wharf.registry.proxy;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.wharf.outbound.SecretBox;
import io.wharf.registry.identity.CallerAccess;
import io.wharf.registry.identity.ProjectService;
import io.wharf.registry.identity.RequestRefused;
import io.wharf.registry.retention.RetentionPolicy;
import io.wharf.registry.retention.RetentionRule;
import io.wharf.registry.retention.RetentionService;

/**
 * Which projects are proxies of an upstream registry, and their upstream: created with the project
 * (system administrators only, in the project's transaction), the password sealed at rest with
 * {@link SecretBox} under {@value ProxyConfig#KEY_SETTING} and opened only to talk to the upstream.
 * Views never carry credentials, only whether there are some.
 */
@ApplicationScoped
public class ProxyProjects {

    /** The tag-check interval when none is given. */
    public static final Duration DEFAULT_TAG_CHECK = Duration.ofMinutes(5);
    /**
     * The retention policy a new proxy project starts with: what was pulled within 7 days stays, the rest goes
     * (whole artifacts, as any retention), run daily at 04:00 UTC. Its project admins change it as any policy.
     */
    public static final RetentionPolicy DEFAULT_RETENTION = new RetentionPolicy(List.of(new RetentionRule(RetentionRule.Kind.PULLED_WITHIN_DAYS, 7,
            RetentionRule.Selector.ALL, RetentionRule.Selector.ALL, false)), "0 4 * * *", false, RetentionPolicy.DEFAULT_GRACE_HOURS);
    /** The longest tag-check interval. */
    static final Duration MAX_TAG_CHECK = Duration.ofDays(1);
    private static final Pattern INTERVAL = Pattern.compile("(\\d{1,5})([smh])");

    /**
     * A proxy project's settings as the API shows them: no credentials, only whether there are some; the rate limit
     * its upstream announced last (null until one did), and the upstream's circuit on the instance that answers
     * ({@code closed}, {@code open}, {@code half-open}: {@link UpstreamManners}).
     */
    public record View(String url, String tagCheckInterval, boolean credentialsSet, boolean dockerHubMirror, RateLimit rateLimit,
                       String circuit) {
    }

    /**
     * The rate limit the upstream announced last, its {@code RateLimit-Limit} and {@code RateLimit-Remaining} as
     * sent (such as {@code 100;w=21600}), and when.
     */
    public record RateLimit(String limit, String remaining, OffsetDateTime seenAt) {
    }

    private final Pool pool;
    private final ProjectService projects;
    private final CallerAccess access;
    private final SecretBox box;
    private final Cache<String, Optional<Upstream>> cache;
    private final DockerHubMirror mirror;
    private final UpstreamManners manners;
    private final UpstreamAddresses addresses;
    private final RetentionService retention;

    public ProxyProjects(Pool pool, ProjectService projects, CallerAccess access, ProxyConfig config,
                         DockerHubMirror mirror, UpstreamManners manners, UpstreamAddresses addresses,
                         RetentionService retention) {
        this.retention = retention;
        this.mirror = mirror;
        this.manners = manners;
        this.addresses = addresses;
        this.pool = pool;
        this.projects = projects;
        this.access = access;
        this.box = config.secretsKey().filter(k -> !k.isBlank()).map(k -> new SecretBox(k, ProxyConfig.KEY_SETTING)).orElse(null);
        this.cache = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(config.settingsTtl()).build();
    }

    /**
     * Creates a proxy project of the upstream at {@code url} (system administrators only), with the
     * {@linkplain #DEFAULT_RETENTION default retention policy}. Refused
     * (INVALID) when the URL is not an absolute http(s) URL, the interval is not like {@code 30s},
     * {@code 5m} or {@code 1h} (at most a day), only one of username and password is given, or the host is
     * somewhere upstreams may not be ({@link UpstreamAddresses}); CONFLICT
     * when it is to be the Docker Hub mirror ({@link DockerHubMirror}) and another project is.
     */
    public Uni<ProjectService.ProjectAndRole> create(String name, Boolean isPublic, String url, String username, String password,
                                                     String tagCheckInterval, boolean dockerHubMirror) {
        String by = access.admin().name();
        URI upstream = upstreamUrl(url);
        Duration interval = tagCheckInterval == null ? DEFAULT_TAG_CHECK : interval(tagCheckInterval);
        boolean hasUser = username != null && !username.isEmpty();
        boolean hasPassword = password != null && !password.isEmpty();
        if (hasUser != hasPassword) {
            throw RequestRefused.invalid("proxy.username and proxy.password go together: give both or neither");
        }
        if (hasPassword && box == null) {
            throw RequestRefused.invalid("upstream credentials cannot be stored: " + ProxyConfig.KEY_SETTING + " is not set");
        }
        String sealed = hasPassword ? box.seal(password) : null;
        Uni<Void> oneMirror = Uni.createFrom().voidItem();
        return addresses.check(upstream).chain(() -> projects.create(name, isPublic, (db, project) -> (dockerHubMirror
                ? refuseSecondMirror(db) : oneMirror).chain(() -> db
                .preparedQuery("insert into proxy_project (project_id, upstream_url, upstream_username, upstream_password, tag_check_seconds,"
                        + " docker_hub_mirror) values ($1, $2, $3, $4, $5, $6)")
                .execute(Tuple.of(project.id(), upstream.toString(), hasUser ? username : null, sealed, (int) interval.toSeconds(),
                        dockerHubMirror))
                .replaceWithVoid())
                .chain(() -> retention.initial(db, name, DEFAULT_RETENTION, by)))
                .invoke(() -> {
                    cache.invalidate(name);
                    if (dockerHubMirror) {
                        mirror.changed();
                    }
                }));
    }

    /** Refused (CONFLICT) when a proxy project is the Docker Hub mirror already: there is one at most. */
    private static Uni<Void> refuseSecondMirror(SqlConnection db) {
        return db.query("select p.name from proxy_project pp join project p on p.id = pp.project_id where pp.docker_hub_mirror")
                .execute().invoke(rows -> {
                    if (rows.iterator().hasNext()) {
                        throw RequestRefused.conflict("project " + rows.iterator().next().getString(0)
                                + " is the Docker Hub mirror; there can be only one");
                    }
                }).replaceWithVoid();
    }

    /** The project's upstream, or null when the project is no proxy (or does not exist). */
    public Uni<Upstream> upstream(String project) {
        Optional<Upstream> known = cache.getIfPresent(project);
        if (known != null) {
            return Uni.createFrom().item(known.orElse(null));
        }
        return pool.preparedQuery("select p.name, pp.* from proxy_project pp join project p on p.id = pp.project_id where p.name = $1")
                .execute(Tuple.of(project))
                .map(rows -> rows.iterator().hasNext() ? upstream(rows.iterator().next()) : null)
                .invoke(u -> cache.put(project, Optional.ofNullable(u)));
    }

    /** Views of every proxy project, by project name. */
    public Uni<Map<String, View>> views() {
        return views(pool, "select p.name, pp.* from proxy_project pp join project p on p.id = pp.project_id", Tuple.tuple());
    }

    /** The project's view, or null when it is no proxy. */
    public Uni<View> view(String project) {
        return views(pool, "select p.name, pp.* from proxy_project pp join project p on p.id = pp.project_id where p.name = $1",
                Tuple.of(project)).map(all -> all.get(project));
    }

    private Uni<Map<String, View>> views(SqlClient db, String sql, Tuple args) {
        return db.preparedQuery(sql).execute(args).map(rows -> {
            Map<String, View> views = new HashMap<>();
            for (Row r : rows) {
                OffsetDateTime seen = r.getOffsetDateTime("rate_limit_seen_at");
                String url = r.getString("upstream_url");
                views.put(r.getString("name"), new View(url,
                        format(Duration.ofSeconds(r.getInteger("tag_check_seconds"))), r.getString("upstream_password") != null,
                        r.getBoolean("docker_hub_mirror"),
                        seen == null ? null : new RateLimit(r.getString("rate_limit"), r.getString("rate_limit_remaining"), seen),
                        manners.circuit(URI.create(url)).wireName()));
            }
            return views;
        });
    }

    private Upstream upstream(Row r) {
        String sealed = r.getString("upstream_password");
        if (sealed != null && box == null) {
            throw new IllegalStateException("proxy project " + r.getString("name") + " has sealed credentials but "
                    + ProxyConfig.KEY_SETTING + " is not set");
        }
        return new Upstream(r.getString("name"), URI.create(r.getString("upstream_url")), r.getString("upstream_username"),
                sealed == null ? null : box.open(sealed), Duration.ofSeconds(r.getInteger("tag_check_seconds")));
    }

    /** The upstream URL, checked: absolute, http or https, a host, no query, fragment or user info. */
    static URI upstreamUrl(String url) {
        if (url == null || url.isBlank()) {
            throw RequestRefused.invalid("proxy.url is required: the upstream registry's URL, such as https://registry-1.docker.io");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw RequestRefused.invalid("proxy.url is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme();
        if (!uri.isAbsolute() || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) || uri.getHost() == null) {
            throw RequestRefused.invalid("proxy.url must be an absolute http or https URL with a host, such as https://registry-1.docker.io");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw RequestRefused.invalid("proxy.url must have no query, fragment or credentials (give those as proxy.username and proxy.password)");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return URI.create(scheme.toLowerCase() + "://" + uri.getRawAuthority() + (path.endsWith("/") ? path.substring(0, path.length() - 1) : path));
    }

    /** A tag-check interval such as {@code 30s}, {@code 5m}, {@code 1h} ({@code 0s}: ask upstream every time), at most a day. */
    static Duration interval(String text) {
        Matcher m = INTERVAL.matcher(text.trim());
        if (!m.matches()) {
            throw RequestRefused.invalid("proxy.tagCheckInterval must be a number with s, m or h, such as 5m");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
        if (d.compareTo(MAX_TAG_CHECK) > 0) {
            throw RequestRefused.invalid("proxy.tagCheckInterval must be at most 24h");
        }
        return d;
    }

    /** The interval as {@link #interval} reads it, in the largest unit that divides it. */
    static String format(Duration d) {
        long s = d.toSeconds();
        if (s > 0 && s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s > 0 && s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
