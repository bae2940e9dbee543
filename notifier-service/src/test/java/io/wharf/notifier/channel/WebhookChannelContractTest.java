package io.wharf.notifier.channel;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.infra.WharfInfraTestResource;
import io.wharf.outbound.WebhookSignature;

/** The webhook channel passes the {@link NotificationChannelContract}: a signed request with headers of the subscription's own. */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_notifier_test"))
class WebhookChannelContractTest extends HttpChannelContract {

    @Inject
    WebhookChannel channel;

    @Override
    protected NotificationChannel channel() {
        return channel;
    }

    @Override
    protected String path() {
        return "/hook";
    }

    @Override
    protected Destination destination(String url) {
        return new Destination(ChannelKind.WEBHOOK, url, Map.of("Authorization", "Bearer contract-token-1234"),
                PayloadFormat.CLOUDEVENTS_STRUCTURED, List.of(WebhookSignature.newSecret()), List.of());
    }
}
