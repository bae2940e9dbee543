package io.wharf.registry.search;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import io.wharf.reference.Glob;

/**
 * Searches projects, repositories and tags in one ranked, paginated list, entirely in SQL: what the
 * viewer may not pull is filtered out by the query itself (never loaded and dropped), so neither
 * results nor totals say anything about private projects.
 *
 * <p>Ranking: exact name matches first (the whole name, or the part after the project:
 * {@code nginx} is an exact match of {@code library/nginx}), then prefix matches, then substring
 * matches, then the rest (names at least {@link #MIN_SIMILARITY} alike when the text has no slash, or words of the description); within a rank, higher
 * trigram similarity plus full-text rank first, then more pulls, then by name. Tags match by exact
 * name or name prefix only ({@code 1.2} finds {@code 1.2.0}); {@code repo:tag} looks for tags of
 * that repository.
 *
 * <p>Indexes: trigram GIN indexes on names (pg_trgm) serve substring and similarity matches, a
 * full-text GIN index on the stored description words ({@code description_words}) serves descriptions,
 * a btree on tag names serves tag prefixes. Without pg_trgm the same query runs by scanning and
 * similarity is not used.
 */
@ApplicationScoped
public class SearchService {
    private static final Logger LOG = Logger.getLogger(SearchService.class);

    /**
     * How alike (pg_trgm similarity) a name must be to match without containing the text: a
     * project's name, or a repository's name after its project. The trigram index finds candidates
     * at pg_trgm's threshold (0.3), this keeps the close ones.
     */
    static final double MIN_SIMILARITY = 0.45;

    /**
     * Matches are counted up to this many (the API serves no result past it either): a broad query's
     * exact count cost a read of every match, 100 000 of them when nothing narrows the text.
     */
    public static final long COUNT_LIMIT = 10_000;

    /**
     * When a repository was last pushed to: its newest manifest or tag change. Read, not stored,
     * so that a push takes no lock on the repository row ({@code {id}}: the repository's id).
     */
    public static final String PUSHED_AT = "greatest((SELECT max(m.created_at) FROM manifest m WHERE m.repository_id = {id}), "
            + "(SELECT max(t.updated_at) FROM tag t WHERE t.repository_id = {id}))";

    private final Pool pool;
    /** The schema pg_trgm lives in ("" when the database has none); looked up once. */
    private volatile String trigramSchema;

    public SearchService(Pool pool) {
        this.pool = pool;
    }

    public Uni<SearchResult> search(SearchQuery query, Viewer viewer) {
        return trigramSchema().chain(trgm -> {
            Sql sql = build(query, viewer, trgm);
            // Similar-name matches: the trigram index proposes names at least this alike, not at pg_trgm's
            // default threshold (0.3), which proposed some ten times more names that the query then dropped.
            Uni<RowSet<Row>> answer = fuzzy(query, trgm)
                    ? pool.withTransaction(conn -> conn.query("SET LOCAL pg_trgm.similarity_threshold = " + MIN_SIMILARITY).execute()
                            .chain(() -> conn.preparedQuery(sql.text()).execute(Tuple.from(sql.params))))
                    : pool.preparedQuery(sql.text()).execute(Tuple.from(sql.params));
            return answer.map(rows -> {
                long total = 0;
                List<SearchHit> hits = new ArrayList<>();
                for (Row r : rows) {
                    total = r.getLong("total");
                    if (r.getString("kind") != null) {
                        hits.add(hit(r));
                    }
                }
                return new SearchResult(Math.min(total, COUNT_LIMIT), total <= COUNT_LIMIT, hits);
            });
        });
    }

    private Uni<String> trigramSchema() {
        String known = trigramSchema;
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return pool.query("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'")
                .execute().map(rows -> {
                    String schema = rows.iterator().hasNext() ? rows.iterator().next().getString(0) : "";
                    if (schema.isEmpty()) {
                        LOG.warn("pg_trgm is not installed: search scans names instead of using trigram indexes");
                    }
                    trigramSchema = schema;
                    return schema;
                });
    }

    /** Positional parameters and the SQL text that refers to them. */
    private static final class Sql {
        final List<Object> params = new ArrayList<>();
        final StringBuilder text = new StringBuilder();

        final Map<String, String> named = new java.util.HashMap<>();

        String param(Object value) {
            params.add(value);
            return "$" + params.size();
        }

        /** One parameter per key, added when first used (PostgreSQL cannot type a parameter no clause uses). */
        String param(String key, Supplier<Object> value) {
            return named.computeIfAbsent(key, k -> param(value.get()));
        }

        Sql append(String s) {
            text.append(s);
            return this;
        }

        String text() {
            return text.toString();
        }
    }

    static Sql build(SearchQuery q, Viewer viewer, String trgmSchema) {
        Sql sql = new Sql();
        boolean trgm = !trgmSchema.isEmpty();
        String text = q.text();
        boolean hasText = !text.isEmpty();
        Supplier<String> exactP = () -> sql.param("exact", () -> text);
        Supplier<String> prefixP = () -> sql.param("prefix", () -> escapeLike(text) + "%");
        Supplier<String> infixP = () -> sql.param("infix", () -> "%" + escapeLike(text) + "%");
        String similarityFn = trgm ? quote(trgmSchema) + ".similarity" : null;
        boolean fuzzy = fuzzy(q, trgmSchema);
        String fuzzyOp = trgm ? "OPERATOR(" + quote(trgmSchema) + ".%)" : null;

        // Projects the viewer may pull from, with the project-level filters. Not materialized: each branch
        // joins it on its own terms (the project branch through project's name indexes, not a scan of every row).
        sql.append("WITH vis AS NOT MATERIALIZED (SELECT name, public, verified_publisher FROM project WHERE ");
        if (viewer.all()) {
            sql.append("true");
        } else {
            sql.append("(public OR name = ANY(").append(sql.param(viewer.memberOf().toArray(String[]::new))).append("))");
        }
        if (q.project() != null) {
            sql.append(" AND name = ").append(sql.param(q.project()));
        }
        if (q.official() != null) {
            sql.append(" AND (name = 'library') = ").append(sql.param(q.official()));
        }
        if (q.verified() != null) {
            sql.append(" AND verified_publisher = ").append(sql.param(q.verified()));
        }
        sql.append("), hits (kind, rank, score, sort_name, ref_id, name, project, description, official, verified, public, pushed_at, ")
                .append("pull_count, repository, tag, digest) AS (");
        List<String> parts = new ArrayList<>();

        boolean filtersRepositories = q.tagGlob() != null || q.pushedSince() != null;
        // No text and no filter on tags or pushes: every repository and project matches, at rank 1 with score 0.
        boolean browse = !hasText && !filtersRepositories;
        List<String> browseOrders = new ArrayList<>();
        // Tags contain no '/', so for a tag glob the LIKE pattern is exact.
        Supplier<String> tagLikeP = () -> sql.param("tagLike", () -> Glob.compile(q.tagGlob()).toLikePattern());
        Supplier<String> sinceP = () -> sql.param("since", () -> q.pushedSince().atOffset(ZoneOffset.UTC));

        if (q.kinds().contains(SearchQuery.Kind.REPOSITORY)) {
            String exact = exactP.get();
            String prefix = prefixP.get();
            String infix = infixP.get();
            String shortName = "substr(r.name, length(r.project) + 2)";
            String fts = "r.description_words @@ plainto_tsquery('simple', " + exact + ")";
            StringBuilder s = new StringBuilder("SELECT 'repository'::text AS kind, ")
                    .append("CASE WHEN r.name = ").append(exact).append(" OR ").append(shortName).append(" = ").append(exact).append(" THEN 0 ")
                    .append("WHEN r.name LIKE ").append(prefix).append(" OR ").append(shortName).append(" LIKE ").append(prefix).append(" THEN 1 ")
                    .append("WHEN r.name LIKE ").append(infix).append(" THEN 2 ELSE 3 END AS rank, ")
                    .append(hasText ? (trgm ? similarityFn + "(" + shortName + ", " + exact + ") + " : "")
                            + "ts_rank(r.description_words, plainto_tsquery('simple', " + exact + "))" : "0::real")
                    .append("::float8 AS score, r.name AS sort_name, r.id AS ref_id, r.name AS name, r.project AS project, r.description AS description, ")
                    .append("p.name = 'library' AS official, p.verified_publisher AS verified, p.public AS public, NULL::timestamptz AS pushed_at, ")
                    .append("r.pull_count AS pull_count, NULL::text AS repository, NULL::text AS tag, NULL::text AS digest ")
                    .append("FROM repository r JOIN vis p ON p.name = r.project WHERE r.populated");
            if (hasText) {
                s.append(" AND (r.name LIKE ").append(infix);
                if (fuzzy) {
                    s.append(" OR (").append(shortName).append(' ').append(fuzzyOp).append(' ').append(exact).append(" AND ")
                            .append(similarityFn).append('(').append(shortName).append(", ").append(exact).append(") >= ")
                            .append(MIN_SIMILARITY).append(')');
                }
                s.append(" OR ").append(fts).append(')');
            }
            if (q.pushedSince() != null) {
                String since = sinceP.get();
                s.append(" AND (EXISTS (SELECT 1 FROM tag t WHERE t.repository_id = r.id AND t.updated_at >= ").append(since)
                        .append(") OR EXISTS (SELECT 1 FROM manifest m WHERE m.repository_id = r.id AND m.created_at >= ").append(since).append("))");
            }
            if (q.tagGlob() != null) {
                s.append(" AND EXISTS (SELECT 1 FROM tag t WHERE t.repository_id = r.id AND t.name LIKE ").append(tagLikeP.get()).append(')');
            }
            parts.add(s.toString());
            browseOrders.add("r.pull_count DESC, r.name");
        }
        if (q.kinds().contains(SearchQuery.Kind.PROJECT) && !filtersRepositories) {
            String exact = exactP.get();
            String prefix = prefixP.get();
            String infix = infixP.get();
            StringBuilder s = new StringBuilder("SELECT 'project'::text, ")
                    .append("CASE WHEN p.name = ").append(exact).append(" THEN 0 WHEN p.name LIKE ").append(prefix)
                    .append(" THEN 1 WHEN p.name LIKE ").append(infix).append(" THEN 2 ELSE 3 END, ")
                    .append(hasText && trgm ? similarityFn + "(p.name, " + exact + ")::float8" : "0::float8")
                    .append(", p.name, NULL::bigint, p.name, p.name, NULL::text, p.name = 'library', p.verified_publisher, p.public, ")
                    .append("NULL::timestamptz, 0::bigint, NULL::text, NULL::text, NULL::text FROM vis p");
            if (hasText) {
                s.append(" WHERE (p.name LIKE ").append(infix);
                if (fuzzy) {
                    s.append(" OR (p.name ").append(fuzzyOp).append(' ').append(exact).append(" AND ")
                            .append(similarityFn).append("(p.name, ").append(exact).append(") >= ").append(MIN_SIMILARITY).append(')');
                }
                s.append(')');
            }
            parts.add(s.toString());
            browseOrders.add("p.name");
        }
        if (q.kinds().contains(SearchQuery.Kind.TAG) && (hasText || q.tagGlob() != null)) {
            int colon = text.lastIndexOf(':');
            String repoPart = colon >= 0 ? text.substring(0, colon) : null;
            String tagPart = colon >= 0 ? text.substring(colon + 1) : text;
            String tagExact = sql.param(tagPart);
            StringBuilder s = new StringBuilder("SELECT 'tag'::text, CASE WHEN t.name = ").append(tagExact).append(" THEN 0 ELSE 1 END, 0::float8, ")
                    .append("r.name || ':' || t.name, NULL::bigint, NULL::text, r.project, NULL::text, p.name = 'library', p.verified_publisher, p.public, ")
                    .append("t.updated_at, m.pull_count, r.name, t.name, m.digest ")
                    .append("FROM tag t JOIN repository r ON r.id = t.repository_id JOIN vis p ON p.name = r.project ")
                    .append("JOIN manifest m ON m.id = t.manifest_id WHERE true");
            if (hasText) {
                s.append(" AND t.name LIKE ").append(sql.param(escapeLike(tagPart) + "%"));
            }
            if (repoPart != null) {
                String repo = sql.param(repoPart);
                s.append(" AND (r.name = ").append(repo).append(" OR substr(r.name, length(r.project) + 2) = ").append(repo).append(')');
            }
            if (q.pushedSince() != null) {
                s.append(" AND t.updated_at >= ").append(sinceP.get());
            }
            if (q.tagGlob() != null) {
                s.append(" AND t.name LIKE ").append(tagLikeP.get());
            }
            parts.add(s.toString());
        }
        if (parts.isEmpty()) {
            // Nothing can match (e.g. only projects asked for, with a repository filter).
            parts.add("SELECT 'none'::text, 0, 0::float8, ''::text, NULL::bigint, NULL::text, NULL::text, NULL::text, false, false, false, "
                    + "NULL::timestamptz, 0::bigint, NULL::text, NULL::text, NULL::text WHERE false");
            browseOrders.add("1");
        }
        String limit = sql.param((long) q.pageSize());
        String offset = sql.param(q.offset());
        if (browse) {
            // Every match ranks alike (rank 1, score 0): each branch's first offset + pageSize rows in the page's
            // order (pull count, then name) come from an index of its own, and the page is the first of those.
            // Counting reads the matches, up to the count limit, without ordering them.
            String firstRows = sql.param(q.offset() + q.pageSize());
            List<String> ordered = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                ordered.add("(" + parts.get(i) + " ORDER BY " + browseOrders.get(i) + " LIMIT " + firstRows + ")");
            }
            sql.append(String.join(" UNION ALL ", ordered)).append("), ");
            sql.append("matches AS NOT MATERIALIZED (").append(String.join(" UNION ALL ", parts)).append("), ");
        } else {
            sql.append(String.join(" UNION ALL ", parts)).append("), matches AS (SELECT * FROM hits), ");
        }
        String order = "rank, score DESC, pull_count DESC, sort_name";
        sql.append("page AS (SELECT * FROM hits ORDER BY ").append(order)
                .append(" LIMIT ").append(limit)
                .append(" OFFSET ").append(offset).append(") ")
                .append("SELECT c.total, page.kind, page.name, page.project, page.description, page.official, page.verified, page.public, ")
                .append("page.pull_count, page.repository, page.tag, page.digest, ")
                .append("CASE WHEN page.kind = 'repository' THEN ").append(PUSHED_AT.replace("{id}", "page.ref_id"))
                .append(" ELSE page.pushed_at END AS pushed_at, ")
                .append("CASE WHEN page.kind = 'repository' THEN (SELECT count(*) FROM tag WHERE repository_id = page.ref_id) ELSE 0 END AS tag_count, ")
                .append("CASE WHEN page.kind = 'project' THEN (SELECT count(*) FROM repository WHERE project = page.name AND populated) ELSE 0 END AS repository_count ")
                .append("FROM (SELECT count(*) AS total FROM (SELECT 1 FROM matches LIMIT ").append(String.valueOf(COUNT_LIMIT + 1))
                .append(") counted) c LEFT JOIN page ON true ORDER BY ")
                .append("page.rank, page.score DESC, page.pull_count DESC, page.sort_name");
        return sql;
    }

    /**
     * Whether the query also matches similar names. Similar-name matches are for a mistyped word; a text with a '/'
     * names a repository path, whose trigrams every repository of the project shares (thousands of candidates, no help).
     */
    static boolean fuzzy(SearchQuery q, String trgmSchema) {
        return !trgmSchema.isEmpty() && !q.text().isEmpty() && q.text().indexOf('/') < 0;
    }

    private static SearchHit hit(Row r) {
        SearchQuery.Kind kind = SearchQuery.Kind.valueOf(r.getString("kind").toUpperCase(Locale.ROOT));
        OffsetDateTime pushed = r.getOffsetDateTime("pushed_at");
        return new SearchHit(kind, r.getString("name"), r.getString("project"), r.getString("description"),
                r.getBoolean("official"), r.getBoolean("verified"), r.getBoolean("public"),
                pushed == null ? null : pushed.toInstant(), r.getLong("pull_count"), r.getLong("tag_count"), r.getLong("repository_count"),
                r.getString("repository"), r.getString("tag"), r.getString("digest"));
    }

    /** Escapes LIKE's wildcards (and its escape character) in literal text. */
    static String escapeLike(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
