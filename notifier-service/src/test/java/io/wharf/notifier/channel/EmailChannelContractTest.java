package io.wharf.notifier.channel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterEach;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.wharf.infra.WharfInfraTestResource;
import io.wharf.notifier.support.SmtpServer;

/**
 * The email channel passes the {@link NotificationChannelContract} against a real SMTP server
 * (GreenMail). The SMTP server is the application's, not part of a destination, so there is no
 * unreachable destination to try; a receiver that cannot take mail now is that server, stopped
 * for the test and started again on the same port after it.
 */
@QuarkusTest
@QuarkusTestResource(value = WharfInfraTestResource.class, initArgs = @ResourceArg(name = "database", value = "wharf_notifier_test"))
@QuarkusTestResource(SmtpServer.class)
class EmailChannelContractTest extends NotificationChannelContract {

    @Inject
    EmailChannel channel;

    private boolean stopped;

    @AfterEach
    void startTheSmtpServerAgain() {
        if (stopped) {
            SmtpServer.greenMail().start();
            stopped = false;
        }
    }

    @Override
    protected NotificationChannel channel() {
        return channel;
    }

    @Override
    protected Destination reachable() {
        return new Destination(ChannelKind.EMAIL, null, null, null, null, List.of(UUID.randomUUID() + "@contract.test"));
    }

    @Override
    protected Destination notTakingMessagesNow() {
        SmtpServer.greenMail().stop();
        stopped = true;
        return reachable();
    }

    @Override
    protected Optional<Destination> unreachable() {
        return Optional.empty();
    }

    @Override
    protected Optional<Destination> onAPrivateAddress() {
        return Optional.empty();
    }

    /** Each mail to the destination's recipient as its subject, its message id header and its decoded parts. */
    @Override
    protected List<String> messagesAt(Destination destination) throws Exception {
        String to = destination.recipients().get(0);
        List<String> messages = new ArrayList<>();
        for (MimeMessage mail : SmtpServer.greenMail().getReceivedMessages()) {
            if (Arrays.stream(mail.getRecipients(Message.RecipientType.TO)).noneMatch(a -> a.toString().equals(to))) {
                continue;
            }
            StringBuilder text = new StringBuilder("Subject: ").append(mail.getSubject()).append('\n')
                    .append("X-Wharf-Message-Id: ").append(mail.getHeader("X-Wharf-Message-Id", ",")).append("\n\n");
            Multipart parts = (Multipart) mail.getContent();
            for (int i = 0; i < parts.getCount(); i++) {
                text.append(parts.getBodyPart(i).getContent()).append('\n');
            }
            messages.add(text.toString());
        }
        return messages;
    }
}
