package io.wharf.registry;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import io.wharf.infra.ArchitectureRules;

/**
 * The registry's packages form no new cycle and share no package with another module.
 *
 * <p>Two cycles are known and allowed here until the packages are reworked; each is allowed by
 * naming the class dependencies that close it, so any other cycle (a new edge, or these packages
 * reaching each other through other classes) fails:
 * <ul>
 * <li>{@code auth → events → service → events}: {@code auth.AccessPolicy} uses
 * {@code events.ReadableProjects} and {@code service.ManifestService} uses {@code events.EventRecorder},
 * {@code OutboxRelay} and {@code ReadableProjects}, while {@code events.ProjectEventAccess} uses
 * {@code auth.AccessPolicy}, {@code CurrentCaller} and {@code Principal}, and
 * {@code events.PullCounter} uses {@code service.Names}.</li>
 * <li>{@code api ↔ api.manage}: {@code api.EventResource} uses {@code api.manage.ApiProblem}, while
 * {@code api.manage.DockerSearchRoutes} uses {@code api.RegistryGuard}.</li>
 * </ul>
 * Remove an allowance once its cycle is gone.
 */
@AnalyzeClasses(packages = "io.wharf", importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureRules.NoTestJars.class})
class ArchitectureTest {

    @ArchTest
    static final ArchRule packagesFormNoNewCycle = ArchitectureRules.freeOfPackageCycles("io.wharf.registry")
            .ignoreDependency("io.wharf.registry.events.ProjectEventAccess", "io.wharf.registry.auth.AccessPolicy")
            .ignoreDependency("io.wharf.registry.events.ProjectEventAccess", "io.wharf.registry.auth.CurrentCaller")
            .ignoreDependency("io.wharf.registry.events.ProjectEventAccess", "io.wharf.registry.auth.Principal")
            .ignoreDependency("io.wharf.registry.events.PullCounter", "io.wharf.registry.service.Names")
            .ignoreDependency("io.wharf.registry.api.manage.DockerSearchRoutes", "io.wharf.registry.api.RegistryGuard");

    @ArchTest
    static final ArchRule noPackageIsSplitAcrossModules = ArchitectureRules.noSplitPackages();
}
