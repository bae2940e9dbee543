package io.wharf.notifier;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import io.wharf.infra.ArchitectureRules;

/**
 * The notifier's packages form no cycle, share no package with another module, keep data access out of
 * resources, and leave regular expressions to the linear-time tag regex grammar.
 */
@AnalyzeClasses(packages = "io.wharf", importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureRules.NoTestJars.class})
class ArchitectureTest {

    @ArchTest
    static final ArchRule packagesFormNoCycle = ArchitectureRules.freeOfPackageCycles("io.wharf.notifier");

    @ArchTest
    static final ArchRule noPackageIsSplitAcrossModules = ArchitectureRules.noSplitPackages();

    /** Users' tag regexes are {@code io.wharf.reference.TagRegex}es (linear time); nothing here backtracks on them. */
    @ArchTest
    static final ArchRule noBacktrackingRegularExpressions = noClasses().that().resideInAPackage("io.wharf.notifier..")
            .should().dependOnClassesThat().resideInAPackage("java.util.regex")
            .because("a user's pattern run by java.util.regex can stall the intake for everyone (issue 20)");

    @ArchTest
    static final ArchRule resourcesUseServicesNotDataAccess = ArchitectureRules.resourcesUseNoDataAccess("io.wharf.notifier");
}
