package io.wharf.deployer;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import io.wharf.infra.ArchitectureRules;

/** The deployer's packages form no cycle, share no package with another module, and keep data access out of resources. */
@AnalyzeClasses(packages = "io.wharf", importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureRules.NoTestJars.class})
class ArchitectureTest {

    @ArchTest
    static final ArchRule packagesFormNoCycle = ArchitectureRules.freeOfPackageCycles("io.wharf.deployer");

    @ArchTest
    static final ArchRule noPackageIsSplitAcrossModules = ArchitectureRules.noSplitPackages();

    @ArchTest
    static final ArchRule resourcesUseServicesNotDataAccess = ArchitectureRules.resourcesUseNoDataAccess("io.wharf.deployer");
}
