package io.wharf.registry;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import io.wharf.infra.ArchitectureRules;

/**
 * The registry's packages form no cycle (each package its own slice, so {@code api} and
 * {@code api.manage} count apart) and share no package with another module.
 */
@AnalyzeClasses(packages = "io.wharf", importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureRules.NoTestJars.class})
class ArchitectureTest {

    @ArchTest
    static final ArchRule packagesFormNoCycle = ArchitectureRules.freeOfPackageCycles("io.wharf.registry");

    @ArchTest
    static final ArchRule noPackageIsSplitAcrossModules = ArchitectureRules.noSplitPackages();
}
