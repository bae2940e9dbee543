package io.wharf.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One of Wharf's three services as its sources describe it: the configuration keys its
 * {@code application.properties} sets, the prefixes of its {@code @ConfigMapping} interfaces, and
 * the environment variables its property expressions name. A deployment may set an environment
 * variable on a service only if the service reads it: that is what {@link #reads} answers.
 */
record ServiceModule(String name, Path dir, Properties properties, Set<String> mappingPrefixes,
        Set<String> expressionVariables) {

    static final List<String> NAMES = List.of("registry-service", "notifier-service", "deployer-service");

    /** registry-service's settings that name files and folders it writes: they must lie on its volume. */
    static final List<String> REGISTRY_WRITES = List.of("wharf.registry.storage.root", "wharf.auth.signing-key");

    private static final Pattern CONFIG_MAPPING = Pattern.compile("@ConfigMapping\\s*\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^:}]+)");
    private static final Pattern EXPRESSION_WITH_DEFAULT = Pattern.compile("\\$\\{([^:}]+)(?::([^}]*))?}");

    static Path root() {
        return Path.of(System.getProperty("wharf.root", "..")).toAbsolutePath().normalize();
    }

    static String projectVersion() {
        String version = System.getProperty("wharf.version");
        if (version == null || version.isBlank()) {
            throw new IllegalStateException("system property wharf.version is not set (the module's pom passes ${project.version})");
        }
        return version;
    }

    static List<ServiceModule> all() {
        return NAMES.stream().map(ServiceModule::named).toList();
    }

    static ServiceModule named(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("not a Wharf service: " + name);
        }
        Path dir = root().resolve(name);
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve("src/main/resources/application.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> variables = new HashSet<>();
        for (String value : properties.stringPropertyNames().stream().map(properties::getProperty).toList()) {
            Matcher m = EXPRESSION.matcher(value);
            while (m.find()) {
                variables.add(envName(m.group(1)));
            }
        }
        return new ServiceModule(name, dir, properties, configMappingPrefixes(dir.resolve("src/main/java")), variables);
    }

    private static Set<String> configMappingPrefixes(Path sources) {
        Set<String> prefixes = new HashSet<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = CONFIG_MAPPING.matcher(Files.readString(file));
                while (m.find()) {
                    prefixes.add(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return prefixes;
    }

    /** The environment variable MicroProfile Config maps to a property: non-alphanumerics to {@code _}, upper case. */
    static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** A key as the service reads it whatever the profile: {@code %test.a.b} is {@code a.b}. */
    private static String withoutProfile(String key) {
        return key.startsWith("%") && key.indexOf('.') > 0 ? key.substring(key.indexOf('.') + 1) : key;
    }

    /** Whether setting this environment variable changes something the service reads. */
    boolean reads(String variable) {
        if (expressionVariables.contains(variable)) {
            return true;
        }
        if (properties.stringPropertyNames().stream().map(k -> envName(withoutProfile(k))).anyMatch(variable::equals)) {
            return true;
        }
        return mappingPrefixes.stream().anyMatch(prefix -> variable.startsWith(envName(prefix) + "_"));
    }

    /**
     * The value the service sees for {@code key} when started with {@code environment}: the
     * variable of the key itself, else its application.properties value with each
     * {@code ${NAME:default}} taken from the environment. Null when neither sets it.
     */
    String resolve(String key, Map<String, String> environment) {
        if (environment.containsKey(envName(key))) {
            return environment.get(envName(key));
        }
        String value = properties.getProperty(key);
        if (value == null) {
            return null;
        }
        Matcher m = EXPRESSION_WITH_DEFAULT.matcher(value);
        StringBuilder resolved = new StringBuilder();
        while (m.find()) {
            String replacement = environment.getOrDefault(envName(m.group(1)), m.group(2) == null ? "" : m.group(2));
            m.appendReplacement(resolved, Matcher.quoteReplacement(replacement));
        }
        return m.appendTail(resolved).toString();
    }

    int httpPort() {
        return Integer.parseInt(properties.getProperty("quarkus.http.port"));
    }

    Path dockerfile() {
        return dir.resolve("src/main/docker/Dockerfile.jvm");
    }
}
