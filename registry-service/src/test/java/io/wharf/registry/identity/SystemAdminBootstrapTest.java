package io.wharf.registry.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.wharf.registry.auth.Identities;

/** Instances starting together each try to create the system administrator: one does, none fails. */
@QuarkusTest
class SystemAdminBootstrapTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    AccountService accounts;

    @Inject
    Identities identities;

    @Inject
    Pool pool;

    @Test
    void twoInstancesCreatingTheAdministratorAtOnceMakeOneAccountAndBothGoOn() {
        String username = "boot" + UUID.randomUUID().toString().substring(0, 8);
        String password = "bootstrap-" + UUID.randomUUID();

        List<Boolean> made = Uni.join().all(accounts.createSystemAdmin(username, password), accounts.createSystemAdmin(username, password))
                .andFailFast().await().atMost(WAIT);

        assertEquals(1, made.stream().filter(Boolean::booleanValue).count(), "one of the two made it: " + made);
        Identities.Account account = identities.account(username).await().atMost(WAIT);
        assertTrue(account.systemAdmin(), "a system administrator");
        assertEquals(1L, pool.preparedQuery("SELECT count(*) FROM account WHERE username = $1").execute(Tuple.of(username))
                .await().atMost(WAIT).iterator().next().getLong(0));
        assertEquals(false, accounts.createSystemAdmin(username, password).await().atMost(WAIT), "a later start leaves it as it is");
    }
}
