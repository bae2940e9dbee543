package io.wharf.registry;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.wharf.infra.WharfInfraTestResource;

/** Real Kafka and PostgreSQL for every registry-service test (one database, emptied per run). */
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_registry_test"))
public final class RegistryTestResource {
    private RegistryTestResource() {
    }
}
