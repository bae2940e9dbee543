package io.wharf.notifier.channel;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.infra.WharfInfraTestResource;

/** The Slack channel passes the {@link NotificationChannelContract}: its webhook URL's path is the secret. */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_notifier_test"))
class SlackChannelContractTest extends HttpChannelContract {

    @Inject
    SlackChannel channel;

    @Override
    protected NotificationChannel channel() {
        return channel;
    }

    @Override
    protected String path() {
        return "/services/T000/B000/XXXXSECRET";
    }

    @Override
    protected Destination destination(String url) {
        return new Destination(ChannelKind.SLACK, url, Map.of(), null, List.of(), List.of());
    }
}
