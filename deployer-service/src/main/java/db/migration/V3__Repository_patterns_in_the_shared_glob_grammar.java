package db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.jboss.logging.Logger;

import io.wharf.reference.Glob;
import io.wharf.reference.InvalidPatternException;
import io.wharf.reference.RepositoryGlob;

/**
 * Deploy rules move to the shared glob grammar ({@link Glob}). Before, a {@code *} in a rule's
 * repository matched any run of characters, {@code /} included; now {@code *} stays within one path
 * segment. Each stored repository pattern is rewritten to one that matches the same repositories
 * (see {@link #rewrite(String)}); each rewrite is logged.
 *
 * <p>Tag globs need no rewrite: tags never contain {@code /}, so their {@code *} means what it meant.
 * A {@code ?} in a repository pattern now no longer matches a {@code /}; no pattern of the grammar
 * says "any one character", so such rules are kept as they are and logged.
 *
 * <p>A rule whose patterns the grammar refuses after the rewrite (a pattern over
 * {@value Glob#MAX_LENGTH} characters, a project name outside 2-64 characters) could no longer be
 * loaded: it is disabled and put on hold with the reason, for its owners to edit.
 */
public class V3__Repository_patterns_in_the_shared_glob_grammar extends BaseJavaMigration {

    private static final Logger LOG = Logger.getLogger(V3__Repository_patterns_in_the_shared_glob_grammar.class);

    private record Rule(Object id, String repository, String policyKind, String policy) {
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection db = context.getConnection();
        List<Rule> rules = new ArrayList<>();
        try (Statement select = db.createStatement();
             ResultSet rows = select.executeQuery("SELECT id, repository, policy_kind, policy FROM deploy_rule ORDER BY created_at, id")) {
            while (rows.next()) {
                rules.add(new Rule(rows.getObject("id"), rows.getString("repository"), rows.getString("policy_kind"), rows.getString("policy")));
            }
        }
        try (PreparedStatement rename = db.prepareStatement("UPDATE deploy_rule SET repository = ? WHERE id = ?");
             PreparedStatement disable = db.prepareStatement(
                     "UPDATE deploy_rule SET enabled = false, on_hold = true, hold_reason = ?, held_at = now() WHERE id = ?")) {
            for (Rule rule : rules) {
                String after = rewrite(rule.repository());
                if (!after.equals(rule.repository())) {
                    rename.setString(1, after);
                    rename.setObject(2, rule.id());
                    rename.executeUpdate();
                    LOG.infof("deploy rule %s: repository pattern %s is now %s (the same repositories)", rule.id(), rule.repository(), after);
                }
                if (after.indexOf('?') >= 0) {
                    LOG.warnf("deploy rule %s: repository pattern %s: '?' no longer matches '/'", rule.id(), after);
                }
                String problem = problem(after, rule.policyKind(), rule.policy());
                if (problem != null) {
                    disable.setString(1, "disabled by the move to the shared pattern grammar: " + problem + "; edit the rule");
                    disable.setObject(2, rule.id());
                    disable.executeUpdate();
                    LOG.warnf("deploy rule %s disabled and put on hold: %s", rule.id(), problem);
                }
            }
        }
    }

    /**
     * A repository pattern of the old grammar ({@code *} any run, {@code /} included) as a pattern of
     * {@link Glob} that matches the same repository names (names never have an empty component, and
     * always have a project and at least one more component):
     * <ul>
     *   <li>{@code project/*} (a run of {@code *} as the only segment after the project) becomes
     *       {@code project/**}; its one extra match, {@code project} alone, is no repository name.</li>
     *   <li>any other run of {@code *} that is a whole segment matched one or more segments and becomes
     *       {@code *}{@code /**}: {@code team/*}{@code /api} becomes {@code team/*}{@code /**}{@code /api}, not
     *       {@code team/**}{@code /api}, which would also match {@code team/api}.</li>
     *   <li>a run of {@code *} next to other characters of its segment becomes {@code **}:
     *       {@code team/svc-*} becomes {@code team/svc-**}.</li>
     * </ul>
     * A pattern without {@code *} stays as it is.
     */
    public static String rewrite(String pattern) {
        if (pattern.indexOf('*') < 0) {
            return pattern;
        }
        String[] segments = pattern.split("/", -1);
        if (segments.length == 2 && isStarRun(segments[1])) {
            return segments[0] + "/**";
        }
        StringBuilder out = new StringBuilder(pattern.length() + 8);
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                out.append('/');
            }
            String segment = segments[i];
            if (isStarRun(segment)) {
                out.append("*/**");
                continue;
            }
            for (int k = 0; k < segment.length(); k++) {
                if (segment.charAt(k) != '*') {
                    out.append(segment.charAt(k));
                } else if (k == 0 || segment.charAt(k - 1) != '*') {
                    out.append("**");
                }
            }
        }
        return out.toString();
    }

    private static boolean isStarRun(String segment) {
        return !segment.isEmpty() && segment.chars().allMatch(c -> c == '*');
    }

    /** Why the shared grammar refuses a rule's repository or tag glob, or null when it takes both. */
    static String problem(String repository, String policyKind, String policy) {
        try {
            RepositoryGlob.parse(repository);
            if ("GLOB".equalsIgnoreCase(policyKind)) {
                Glob.compile(policy);
            }
            return null;
        } catch (InvalidPatternException e) {
            return e.getMessage();
        }
    }
}
