package io.wharf.infra;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceRule;

/**
 * The architecture rules every Wharf service checks in its {@code ArchitectureTest} (ArchUnit),
 * against the classes on its own test class path: its own and those of the Wharf modules it uses.
 * Import them with {@code @AnalyzeClasses(packages = "io.wharf", importOptions =
 * {ImportOption.DoNotIncludeTests.class, ArchitectureRules.NoTestJars.class})}.
 */
public final class ArchitectureRules {

    private ArchitectureRules() {
    }

    /** Leaves out the test jars of sibling modules (e.g. registry-events' golden samples). */
    public static final class NoTestJars implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return !location.contains("-tests.jar");
        }
    }

    /**
     * No two packages below {@code root} depend on each other, directly or through others; every
     * package is a slice of its own (so {@code api} and {@code api.manage} count as two).
     */
    public static SliceRule freeOfPackageCycles(String root) {
        return slices().matching(root + ".(**)").namingSlices("package " + root + ".$1").should().beFreeOfCycles();
    }

    /**
     * Every package comes from one module (class-path root): a package split across two modules
     * hides which one owns it, and breaks as soon as the modules run as Java modules.
     */
    public static ArchRule noSplitPackages() {
        return classes().should(new ArchCondition<>("be in a package that no other module also has") {
            private Map<String, Set<String>> rootsByPackage = Map.of();

            @Override
            public void init(Collection<JavaClass> all) {
                rootsByPackage = all.stream().collect(Collectors.groupingBy(JavaClass::getPackageName,
                        Collectors.mapping(ArchitectureRules::classPathRoot, Collectors.toCollection(TreeSet::new))));
            }

            @Override
            public void check(JavaClass item, ConditionEvents events) {
                Set<String> roots = rootsByPackage.getOrDefault(item.getPackageName(), Set.of());
                if (roots.size() > 1) {
                    events.add(SimpleConditionEvent.violated(item, item.getName() + " is in package "
                            + item.getPackageName() + ", which these modules all have: " + roots));
                }
            }
        });
    }

    /**
     * REST resources (package {@code rest}) reach the database only through services: they use no
     * repository, and neither Panache, Hibernate nor the SQL client.
     */
    public static ArchRule resourcesUseNoDataAccess(String root) {
        return noClasses().that().resideInAPackage(root + ".rest..")
                .should().dependOnClassesThat().haveSimpleNameEndingWith("Repository")
                .orShould().dependOnClassesThat().resideInAnyPackage("io.quarkus.hibernate..", "org.hibernate..",
                        "io.vertx.sqlclient..", "io.vertx.mutiny.sqlclient..");
    }

    /** The directory or jar a class was read from. */
    private static String classPathRoot(JavaClass c) {
        String uri = c.getSource().map(source -> source.getUri().toString()).orElse("unknown");
        String file = c.getName().replace('.', '/') + ".class";
        return uri.endsWith(file) ? uri.substring(0, uri.length() - file.length()) : uri;
    }
}
