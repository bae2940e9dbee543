package io.wharf.notifier.channel;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.net.ssl.SSLException;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.netty.handler.ssl.NotSslRecordException;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.MailerName;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.Uni;
import io.wharf.events.WharfEvent;
import io.wharf.notifier.config.NotifierConfig;

/**
 * Email over SMTP (Quarkus Mailer): multipart plain text and HTML. With a digest interval, all
 * events pending for the subscription's recipients go out as one digest mail per interval.
 *
 * <p>STARTTLS follows {@code quarkus.mailer.start-tls}. With {@code OPTIONAL} (the default) TLS is
 * opportunistic: when the server advertises STARTTLS but then refuses it ({@code 454 TLS not
 * available}; the mail client starts the TLS handshake anyway and fails with "not an SSL/TLS record"),
 * or the handshake fails, the mail goes out again in plain text through the mailer named {@code plain}
 * (the same server, STARTTLS disabled). With {@code REQUIRED} it fails with a message that says so.
 */
@ApplicationScoped
public class EmailChannel implements NotificationChannel {

    private static final Logger LOG = Logger.getLogger(EmailChannel.class);

    private final ReactiveMailer mailer;
    private final ReactiveMailer plainMailer;
    private final NotifierConfig config;
    private final String startTls;
    private final boolean implicitTls;

    public EmailChannel(ReactiveMailer mailer, @MailerName("plain") ReactiveMailer plainMailer, NotifierConfig config,
            @ConfigProperty(name = "quarkus.mailer.start-tls", defaultValue = "OPTIONAL") String startTls,
            @ConfigProperty(name = "quarkus.mailer.tls") Optional<Boolean> implicitTls) {
        this.mailer = mailer;
        this.plainMailer = plainMailer;
        this.config = config;
        this.startTls = startTls.trim().toUpperCase(Locale.ROOT);
        this.implicitTls = implicitTls.orElse(false);
    }

    @Override
    public ChannelKind kind() {
        return ChannelKind.EMAIL;
    }

    @Override
    public boolean coalesces() {
        return true;
    }

    @Override
    public String target(Destination destination) {
        return destination.recipients().size() + " recipient(s)";
    }

    @Override
    public Uni<SendResult> send(Destination destination, String messageId, List<WharfEvent<?>> events) {
        String subject = "[Wharf] " + EventSummary.headline(events);
        StringBuilder text = new StringBuilder();
        StringBuilder html = new StringBuilder("<html><body><h2>").append(escape(EventSummary.headline(events))).append("</h2><ul>");
        for (WharfEvent<?> event : events) {
            text.append(EventSummary.title(event)).append(" by ").append(EventSummary.actor(event)).append(" at ").append(event.time());
            html.append("<li><b>").append(escape(EventSummary.reference(event))).append("</b> ")
                    .append(escape(EventSummary.verb(event.type()))).append(" by ").append(escape(EventSummary.actor(event)));
            if (event.data().digest() != null) {
                text.append("\n  digest ").append(event.data().digest());
                html.append("<br><code>").append(escape(event.data().digest())).append("</code>");
            }
            EventSummary.link(config.registryUrl(), event).ifPresent(link -> {
                text.append("\n  ").append(link);
                html.append("<br><a href=\"").append(escape(link)).append("\">What happened next</a>");
            });
            text.append("\n\n");
            html.append("</li>");
        }
        html.append("</ul></body></html>");
        Mail mail = new Mail().setTo(destination.recipients()).setSubject(subject)
                .setText(text.toString()).setHtml(html.toString()).addHeader("X-Wharf-Message-Id", messageId);
        return sendMail(mail);
    }

    /** Sends one mail; an SMTP failure is worth retrying (the server may be down or busy). */
    public Uni<SendResult> sendMail(Mail mail) {
        long started = System.nanoTime();
        return transmit(mail)
                .map(ignored -> SendResult.delivered(250, (System.nanoTime() - started) / 1_000_000, null))
                .onFailure().recoverWithItem(failure -> SendResult.retry("SMTP: " + failure.getMessage(),
                        (System.nanoTime() - started) / 1_000_000));
    }

    /**
     * Sends a notice of the service's own (a subscription's owner told it was disabled) in the
     * background, trying again on failure with the delivery backoff ({@code wharf.notifier.delivery.
     * initial-delay}, doubling up to {@code max-delay}, {@code max-attempts} attempts in all). The
     * returned Uni completes at once; the attempts are kept in memory only (a restart ends them).
     */
    public Uni<Void> sendNotice(Mail mail, String what) {
        var delivery = config.delivery();
        Uni.createFrom().deferred(() -> transmit(mail))
                .onFailure().invoke(failure -> LOG.warnf("could not mail %s (trying again): %s", what, failure.getMessage()))
                .onFailure().retry().withBackOff(delivery.initialDelay(), delivery.maxDelay())
                .atMost(Math.max(0, delivery.maxAttempts() - 1))
                .subscribe().with(ignored -> LOG.debugf("mailed %s", what),
                        failure -> LOG.errorf("gave up mailing %s after %d attempts: %s", what, delivery.maxAttempts(),
                                failure.getMessage()));
        return Uni.createFrom().voidItem();
    }

    /** One attempt: the configured mailer, then, when opportunistic STARTTLS failed, plain text. */
    private Uni<Void> transmit(Mail mail) {
        return mailer.send(mail).onFailure(EmailChannel::tlsFailed).recoverWithUni(failure -> {
            if (implicitTls) {
                return Uni.createFrom().failure(failure);
            }
            if ("REQUIRED".equals(startTls)) {
                return Uni.createFrom().failure(new IllegalStateException("TLS could not be started with the SMTP server ("
                        + failure.getMessage() + "), and quarkus.mailer.start-tls=REQUIRED forbids sending in plain text", failure));
            }
            LOG.debugf("STARTTLS failed (%s): sending in plain text (quarkus.mailer.start-tls=%s)", failure.getMessage(), startTls);
            return plainMailer.send(mail);
        });
    }

    /** The failure came from a TLS handshake (a refused STARTTLS makes the client's handshake meet plain text). */
    private static boolean tlsFailed(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException || t instanceof NotSslRecordException) {
                return true;
            }
        }
        return false;
    }

    private static String escape(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
