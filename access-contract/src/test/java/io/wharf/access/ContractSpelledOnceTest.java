package io.wharf.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * This module is the one place that spells the access contract. Main code of every other module
 * must use its constants and {@link ProjectRole}: no string literal there may name a role, the
 * admin group or the API audience, and no claim call may name the {@code projects} or {@code groups}
 * claim. Configuration may repeat the issuer and audience, but must agree with {@link ApiToken}.
 * Test code is free to spell them: it checks the wire format.
 */
class ContractSpelledOnceTest {

    /** A string literal or text block, after comments are gone. */
    private static final Pattern LITERAL = Pattern.compile("\"\"\"(.*?)\"\"\"|\"((?:[^\"\\\\\\n]|\\\\.)*)\"", Pattern.DOTALL);
    private static final Pattern COMMENT_OR_LITERAL = Pattern.compile(
            "//[^\\n]*|/\\*.*?\\*/|\"\"\".*?\"\"\"|\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*'", Pattern.DOTALL);
    /** A call such as {@code .claim("projects", …)} or {@code getStringListClaim("groups")}. */
    private static final Pattern CLAIM_CALL = Pattern.compile(
            "[cC]laim\\w*\\(\\s*\"(" + Pattern.quote(ApiToken.PROJECTS_CLAIM) + "|" + Pattern.quote(ApiToken.GROUPS_CLAIM) + ")\"");

    private static Path root;

    @BeforeAll
    static void findProjectRoot() throws IOException {
        root = Path.of("").toAbsolutePath().getParent();
        Path parentPom = root.resolve("pom.xml");
        assertTrue(Files.isRegularFile(parentPom) && Files.readString(parentPom).contains("<module>access-contract</module>"),
                "run from the access-contract module of the Wharf tree, not from " + Path.of("").toAbsolutePath());
    }

    @Test
    void noMainCodeOutsideThisModuleSpellsARoleOrClaim() throws IOException {
        List<Path> sources = mainSourcesOutsideThisModule();
        assertTrue(sources.stream().anyMatch(p -> p.toString().contains("notifier-service"))
                && sources.stream().anyMatch(p -> p.toString().contains("deployer-service"))
                && sources.stream().anyMatch(p -> p.toString().contains("registry-service")),
                "the scan must see the three services' sources");
        List<String> found = new ArrayList<>();
        for (Path source : sources) {
            found.addAll(violations(root.relativize(source).toString(), Files.readString(source)));
        }
        assertEquals(List.of(), found, "use io.wharf.access (ApiToken, ProjectRole) instead");
    }

    @Test
    void scanCatchesEachKindOfSpelling() {
        assertEquals(6, violations("X.java", """
                class X {
                    // projectAdmin in a comment is fine
                    Set<String> managers = Set.of("projectAdmin", "maintainer");
                    String text = "expected developer or guest";
                    boolean admin = groups.contains("system-admin");
                    Object roles = token.getClaim("projects");
                    String fine = "maintainers and guests, projects";
                }
                """).size(), "one per name in a literal, one per claim call");
        assertEquals(1, violations("Y.java", "class Y { String a = \"\"\"\n  wharf-api\n  \"\"\"; }").size());
        assertEquals(List.of(), violations("Z.java", "/* \"limitedGuest\" */ class Z { char q = '\"'; String s = \"projects\"; }"));
    }

    @Test
    void servicesVerifyTheIssuerAudienceAndGroupsTheContractNames() throws IOException {
        List<String> checked = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path props : modules.map(m -> m.resolve("src/main/resources/application.properties")).filter(Files::isRegularFile).toList()) {
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(props, StandardCharsets.UTF_8)) {
                    p.load(r);
                }
                for (String key : p.stringPropertyNames()) {
                    String expected = expectedValue(key.replaceFirst("^%[\\w-]+\\.", ""));
                    if (expected != null) {
                        assertEquals(expected, p.getProperty(key).trim(), root.relativize(props) + ": " + key);
                        checked.add(root.relativize(props).getName(0) + " " + key);
                    }
                }
            }
        }
        assertTrue(checked.containsAll(List.of(
                "notifier-service mp.jwt.verify.issuer", "notifier-service mp.jwt.verify.audiences",
                "deployer-service mp.jwt.verify.issuer", "deployer-service mp.jwt.verify.audiences")), "checked: " + checked);
    }

    private static String expectedValue(String key) {
        return switch (key) {
            case "mp.jwt.verify.issuer", "wharf.auth.issuer" -> ApiToken.ISSUER;
            case "mp.jwt.verify.audiences" -> ApiToken.AUDIENCE;
            case "smallrye.jwt.path.groups" -> ApiToken.GROUPS_CLAIM;
            default -> null;
        };
    }

    private static List<Path> mainSourcesOutsideThisModule() throws IOException {
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.filter(m -> !m.getFileName().toString().equals("access-contract")).toList()) {
                Path main = module.resolve("src/main/java");
                if (Files.isDirectory(main)) {
                    try (Stream<Path> files = Files.walk(main)) {
                        files.filter(f -> f.toString().endsWith(".java")).forEach(sources::add);
                    }
                }
            }
        }
        return sources;
    }

    /** Each literal (or claim call) in {@code source} that spells the contract, as "file: literal". */
    static List<String> violations(String file, String source) {
        String code = withoutComments(source);
        List<String> found = new ArrayList<>();
        Matcher literal = LITERAL.matcher(code);
        while (literal.find()) {
            String text = literal.group(1) != null ? literal.group(1) : literal.group(2);
            for (String name : contractWords()) {
                if (Pattern.compile("(?<![\\w-])" + Pattern.quote(name) + "(?![\\w-])").matcher(text).find()) {
                    found.add(file + ": \"" + text.strip() + "\" names " + name);
                }
            }
        }
        Matcher claim = CLAIM_CALL.matcher(code);
        while (claim.find()) {
            found.add(file + ": " + claim.group() + " names a claim");
        }
        return found;
    }

    private static List<String> contractWords() {
        List<String> words = new ArrayList<>(Arrays.stream(ProjectRole.values()).map(ProjectRole::wireName).toList());
        words.add(ApiToken.ADMIN_GROUP);
        words.add(ApiToken.AUDIENCE);
        return words;
    }

    /** The source with comments and char literals blanked and strings kept, so a stray quote does not matter. */
    private static String withoutComments(String source) {
        Matcher m = COMMENT_OR_LITERAL.matcher(source);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group().startsWith("\"") ? m.group() : " "));
        }
        m.appendTail(out);
        return out.toString();
    }
}
