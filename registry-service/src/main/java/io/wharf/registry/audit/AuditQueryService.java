package io.wharf.registry.audit;

import java.io.IOException;
import java.io.Writer;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Reads the audit log, newest first, within what the caller may read ({@link AuditScope}). Every
 * filter has an index led by it and followed by the paging order {@code (time, id)}, and a time
 * range prunes whole months, so a filtered page costs a few index reads however long the log is.
 */
@ApplicationScoped
public class AuditQueryService {

    private static final String COLUMNS = "id, time, service, action, outcome, actor, actor_kind, role, address, request_id, project, subject, summary::text";

    private final Pool pool;

    public AuditQueryService(Pool pool) {
        this.pool = pool;
    }

    /** One page of the entries matching {@code query} within {@code scope}. */
    public Uni<AuditPage> page(AuditQuery query, AuditScope scope) {
        List<Object> params = new ArrayList<>();
        String sql = "SELECT " + COLUMNS + " FROM audit_record WHERE " + where(query, scope, params)
                + " ORDER BY time DESC, id DESC LIMIT $" + (params.size() + 1);
        params.add(query.limit() + 1);
        return pool.preparedQuery(sql).execute(Tuple.from(params)).map(rows -> {
            List<AuditView> records = new ArrayList<>();
            String next = null;
            for (Row row : rows) {
                if (records.size() == query.limit()) {
                    AuditView last = records.get(records.size() - 1);
                    next = AuditQuery.cursorAfter(new AuditQuery.Position(last.time(), UUID.fromString(last.id())));
                    break;
                }
                records.add(view(row));
            }
            return new AuditPage(records, next);
        });
    }

    /**
     * Writes every entry matching {@code query} within {@code scope} as CSV (RFC 4180: a header line,
     * fields quoted when they hold a comma, a quote or a line break; the summary as a JSON object),
     * newest first, a page at a time. Blocks: call it on a worker thread.
     */
    public void exportCsv(AuditQuery query, AuditScope scope, Writer out) throws IOException {
        out.write(AuditView.CSV_HEADER);
        out.write("\r\n");
        AuditQuery q = query.withLimit(AuditQuery.MAX_LIMIT);
        while (true) {
            AuditPage page = page(q, scope).await().indefinitely();
            for (AuditView v : page.records()) {
                out.write(csvLine(v));
            }
            out.flush();
            if (page.next() == null) {
                return;
            }
            q = q.after(AuditQuery.decodeCursor(page.next()));
        }
    }

    static String where(AuditQuery q, AuditScope scope, List<Object> params) {
        StringBuilder where = new StringBuilder("TRUE");
        if (!scope.all()) {
            params.add(scope.projects().toArray(String[]::new));
            where.append(" AND project = ANY($").append(params.size()).append(')');
        }
        if (q.actor() != null) {
            params.add(q.actor());
            where.append(" AND actor = $").append(params.size());
        }
        if (q.action() != null && !q.actionPrefix()) {
            params.add(q.action());
            where.append(" AND action = $").append(params.size());
        } else if (q.action() != null && q.action().matches("[a-z0-9-]+\\.")) {
            // a whole family (member.): its own index keeps the newest-first order
            params.add(q.action().substring(0, q.action().length() - 1));
            where.append(" AND family = $").append(params.size());
        } else if (q.action() != null) {
            params.add(AuditLog.family(q.action()));
            where.append(" AND family = $").append(params.size());
            params.add(q.action().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
            where.append(" AND action LIKE $").append(params.size());
        }
        if (q.project() != null) {
            params.add(q.project());
            where.append(" AND project = $").append(params.size());
        }
        if (q.from() != null) {
            params.add(q.from());
            where.append(" AND time >= $").append(params.size());
        }
        if (q.to() != null) {
            params.add(q.to());
            where.append(" AND time < $").append(params.size());
        }
        if (q.after() != null) {
            params.add(q.after().time());
            params.add(q.after().id());
            where.append(" AND (time, id) < ($").append(params.size() - 1).append(", $").append(params.size()).append(')');
        }
        return where.toString();
    }

    private static AuditView view(Row row) {
        Map<String, String> summary = new LinkedHashMap<>();
        String json = row.getString("summary");
        if (json != null) {
            new JsonObject(json).forEach(e -> summary.put(e.getKey(), String.valueOf(e.getValue())));
        }
        OffsetDateTime time = row.getOffsetDateTime("time");
        return new AuditView(row.getUUID("id").toString(), time, row.getString("service"), row.getString("action"),
                row.getString("outcome"), row.getString("actor"), row.getString("actor_kind"), row.getString("role"),
                row.getString("address"), row.getString("request_id"), row.getString("project"), row.getString("subject"), summary);
    }

    static String csvLine(AuditView v) {
        String[] fields = {v.id(), v.time() == null ? null : v.time().toString(), v.service(), v.action(), v.outcome(), v.actor(),
                v.actorKind(), v.role(), v.address(), v.requestId(), v.project(), v.subject(),
                v.summary() == null || v.summary().isEmpty() ? "" : new JsonObject(new LinkedHashMap<String, Object>(v.summary())).encode()};
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                line.append(',');
            }
            line.append(csvField(fields[i]));
        }
        return line.append("\r\n").toString();
    }

    /** RFC 4180 quoting; a leading =, +, - or @ is prefixed with ' so spreadsheets do not run it as a formula. */
    static String csvField(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String v = "=+-@".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
            return v;
        }
        return '"' + v.replace("\"", "\"\"") + '"';
    }
}
