package db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.wharf.deployer.targets.DeployTarget;
import io.wharf.deployer.targets.TargetDefinition;
import io.wharf.deployer.targets.http.HttpHookTarget;
import io.wharf.outbound.SecretBox;

/**
 * Deploy targets become resources of their own ({@code deploy_target}), defined by system administrators
 * and granted to projects; a rule names one and a workload on it, and holds no endpoint or credential.
 *
 * <p>Each stored rule's target settings are split into the target's part (endpoint, settings,
 * credentials) and the rule's workload:
 * <ul>
 *   <li>kubernetes: endpoint {@code in-cluster} (no context) or {@code kubeconfig:<context>}; the workload
 *       is the workload kind, namespace, name and container;</li>
 *   <li>docker: endpoint the host; credentials the registryAuth; the workload is the container;</li>
 *   <li>http: endpoint the URL (query values masked); settings method, content type, body template,
 *       timeout, header names; credentials the signing secret, header values and query; no workload.</li>
 * </ul>
 * Rules whose target parts are equal (kind, endpoint, settings and credentials, compared opened) share one
 * target, named {@code migrated-<kind>-<n>}. Each target is granted to the projects of its rules with bounds
 * that cover exactly what those rules use: one grant per (project, namespace, workload name) on
 * Kubernetes, per (project, container name) on Docker, per project for hooks; names are literal globs
 * (workload and container names contain no wildcard). No migrated target allows Wharf's own workloads. A
 * rule of a kind this version does not know keeps its settings as its workload and is disabled and put on
 * hold with the reason. Every target and every rewired rule is logged.
 *
 * <p>Sealed secrets are opened and sealed again under {@code wharf.deployer.secrets-key}.
 */
public class V4__Deploy_targets extends BaseJavaMigration {

    private static final Logger LOG = Logger.getLogger(V4__Deploy_targets.class);
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private record Rule(Object id, String project, String kind, String settings) {
    }

    /** A rule's settings split: the target's part, the rule's workload, and the grant that covers it. */
    private record Split(String kind, TargetDefinition target, ObjectNode workload, String namespace, String name, boolean known) {
        String key() {
            return kind + "\n" + target.endpoint() + "\n" + canonical(target.settings()) + "\n" + canonical(target.credentials());
        }
    }

    private static final class Target {
        final UUID id = UUID.randomUUID();
        final Split first;
        final Set<List<String>> grants = new LinkedHashSet<>();
        String name;

        Target(Split first) {
            this.first = first;
        }
    }

    private SecretBox box;

    @Override
    public void migrate(Context context) throws SQLException {
        Connection db = context.getConnection();
        try (Statement ddl = db.createStatement()) {
            ddl.execute("""
                    CREATE TABLE deploy_target (
                        id          UUID        PRIMARY KEY,
                        name        TEXT        NOT NULL UNIQUE,
                        kind        TEXT        NOT NULL,
                        endpoint    TEXT        NOT NULL,
                        settings    TEXT        NOT NULL DEFAULT '{}',
                        credentials TEXT,
                        grants      TEXT        NOT NULL DEFAULT '[]',
                        allow_wharf BOOLEAN     NOT NULL DEFAULT FALSE,
                        created_by  TEXT        NOT NULL,
                        created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
                        updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
                    )""");
            ddl.execute("COMMENT ON COLUMN deploy_target.settings IS 'JSON of the kind''s settings, every secret masked'");
            ddl.execute("COMMENT ON COLUMN deploy_target.credentials IS 'JSON of the secrets, sealed as one value (AES-GCM), or null'");
            ddl.execute("COMMENT ON COLUMN deploy_target.grants IS 'JSON array of grants: project, and namespaces/workloads (kubernetes) or containers (docker) globs'");
            ddl.execute("ALTER TABLE deploy_rule ADD COLUMN target_id UUID REFERENCES deploy_target (id), ADD COLUMN workload TEXT");
        }
        List<Rule> rules = new ArrayList<>();
        try (Statement select = db.createStatement();
             ResultSet rows = select.executeQuery("SELECT id, project, target_kind, target_settings FROM deploy_rule ORDER BY created_at, id")) {
            while (rows.next()) {
                rules.add(new Rule(rows.getObject(1), rows.getString(2), rows.getString(3), rows.getString(4)));
            }
        }
        Map<String, Target> targets = new LinkedHashMap<>();
        Map<String, Integer> perKind = new LinkedHashMap<>();
        Map<Object, Target> ruleTargets = new LinkedHashMap<>();
        Map<Object, Split> splits = new LinkedHashMap<>();
        for (Rule rule : rules) {
            Split split = split(rule);
            Target target = targets.computeIfAbsent(split.key(), k -> {
                Target t = new Target(split);
                t.name = "migrated-" + split.kind() + "-" + perKind.merge(split.kind(), 1, Integer::sum);
                return t;
            });
            target.grants.add(java.util.Arrays.asList(rule.project(), split.namespace(), split.name()));
            ruleTargets.put(rule.id(), target);
            splits.put(rule.id(), split);
        }
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO deploy_target (id, name, kind, endpoint, settings, credentials,"
                + " grants, allow_wharf, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, false, 'migration V4')")) {
            for (Target t : targets.values()) {
                TargetDefinition d = t.first.target();
                insert.setObject(1, t.id);
                insert.setString(2, t.name);
                insert.setString(3, t.first.kind());
                insert.setString(4, d.endpoint());
                insert.setString(5, canonical(d.settings()));
                insert.setString(6, d.credentials().isEmpty() ? null : box().seal(canonical(d.credentials())));
                insert.setString(7, grants(t));
                insert.executeUpdate();
                LOG.infof("deploy target %s (%s, endpoint %s) made from the rules that used it, granted: %s",
                        t.name, t.first.kind(), d.endpoint(), grants(t));
            }
        }
        try (PreparedStatement rewire = db.prepareStatement("UPDATE deploy_rule SET target_id = ?, workload = ? WHERE id = ?");
             PreparedStatement hold = db.prepareStatement(
                     "UPDATE deploy_rule SET enabled = false, on_hold = true, hold_reason = ?, held_at = now() WHERE id = ?")) {
            for (Map.Entry<Object, Target> entry : ruleTargets.entrySet()) {
                Split split = splits.get(entry.getKey());
                rewire.setObject(1, entry.getValue().id);
                rewire.setString(2, canonical(split.workload()));
                rewire.setObject(3, entry.getKey());
                rewire.executeUpdate();
                LOG.infof("deploy rule %s now names target %s with workload %s", entry.getKey(), entry.getValue().name, canonical(split.workload()));
                if (!split.known()) {
                    hold.setString(1, "target kind " + split.kind() + " is unknown to migration V4: check target "
                            + entry.getValue().name + " and edit the rule");
                    hold.setObject(2, entry.getKey());
                    hold.executeUpdate();
                    LOG.warnf("deploy rule %s disabled and put on hold: target kind %s is unknown", entry.getKey(), split.kind());
                }
            }
        }
        try (Statement ddl = db.createStatement()) {
            ddl.execute("ALTER TABLE deploy_rule ALTER COLUMN target_id SET NOT NULL, ALTER COLUMN workload SET NOT NULL,"
                    + " DROP COLUMN target_settings");
            ddl.execute("CREATE INDEX deploy_rule_target_idx ON deploy_rule (target_id)");
        }
    }

    private Split split(Rule rule) {
        ObjectNode old = object(rule.settings());
        String kind = rule.kind();
        switch (kind) {
            case "kubernetes" -> {
                String context = old.path("context").asText(null);
                ObjectNode workload = JSON.createObjectNode().put("workload", old.path("workload").asText())
                        .put("namespace", old.path("namespace").asText()).put("name", old.path("name").asText())
                        .put("container", old.path("container").asText());
                return new Split(kind, TargetDefinition.stored(context == null ? "in-cluster" : "kubeconfig:" + context, null, null),
                        workload, old.path("namespace").asText(), old.path("name").asText(), true);
            }
            case "docker" -> {
                String host = old.path("host").asText("");
                ObjectNode shown = JSON.createObjectNode();
                ObjectNode credentials = JSON.createObjectNode();
                JsonNode auth = old.path("registryAuth");
                if (auth.isObject() && !auth.path("password").asText("").isEmpty()) {
                    String username = auth.path("username").asText();
                    shown.putObject("registryAuth").put("username", username).put("password", DeployTarget.MASK);
                    credentials.putObject("registryAuth").put("username", username).put("password", opened(auth.path("password").asText()));
                }
                String container = old.path("container").asText();
                return new Split(kind, TargetDefinition.stored(host.isBlank() ? "unix:///var/run/docker.sock" : host, shown, credentials),
                        JSON.createObjectNode().put("container", container), null, container, true);
            }
            case "http" -> {
                String url = old.path("url").asText();
                ObjectNode settings = old.deepCopy();
                settings.remove("url");
                if (settings.hasNonNull("secret")) {
                    settings.put("secret", opened(settings.get("secret").asText()));
                }
                TargetDefinition definition = HttpHookTarget.definitionOf(url, settings, JSON.createObjectNode());
                return new Split(kind, TargetDefinition.stored(definition.endpoint(), definition.settings(), definition.credentials()),
                        JSON.createObjectNode(), null, null, true);
            }
            default -> {
                return new Split(kind, TargetDefinition.stored("unknown", null, null), old, null, null, false);
            }
        }
    }

    /** The grants of a target as JSON, in the grammar of {@code io.wharf.deployer.rule.TargetGrant}. */
    private static String grants(Target t) {
        List<Map<String, Object>> grants = new ArrayList<>();
        for (List<String> g : t.grants) {
            Map<String, Object> grant = new LinkedHashMap<>();
            grant.put("project", g.get(0));
            switch (t.first.kind()) {
                case "kubernetes" -> {
                    grant.put("namespaces", List.of(g.get(1)));
                    grant.put("workloads", g.get(2));
                }
                case "docker" -> grant.put("containers", g.get(2));
                default -> {
                }
            }
            grants.add(grant);
        }
        try {
            return JSON.writeValueAsString(grants);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String opened(String secret) {
        return SecretBox.isSealed(secret) ? box().open(secret) : secret;
    }

    private SecretBox box() {
        if (box == null) {
            String key = ConfigProvider.getConfig().getOptionalValue("wharf.deployer.secrets-key", String.class)
                    .orElseThrow(() -> new IllegalStateException("migration V4 moves sealed secrets: set wharf.deployer.secrets-key"));
            box = new SecretBox(key, "wharf.deployer.secrets-key");
        }
        return box;
    }

    private static ObjectNode object(String json) {
        try {
            JsonNode node = JSON.readTree(json == null ? "{}" : json);
            return node instanceof ObjectNode o ? o : JSON.createObjectNode();
        } catch (JsonProcessingException e) {
            return JSON.createObjectNode();
        }
    }

    private static String canonical(JsonNode node) {
        try {
            return JSON.writeValueAsString(JSON.treeToValue(node, Object.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
