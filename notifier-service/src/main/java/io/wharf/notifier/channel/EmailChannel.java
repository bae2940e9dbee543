package io.wharf.notifier.channel;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.Uni;
import io.wharf.events.WharfEvent;
import io.wharf.notifier.config.NotifierConfig;

/**
 * Email over SMTP (Quarkus Mailer): multipart plain text and HTML. With a digest interval, all
 * events pending for the subscription's recipients go out as one digest mail per interval.
 */
@ApplicationScoped
public class EmailChannel implements NotificationChannel {

    private final ReactiveMailer mailer;
    private final NotifierConfig config;

    public EmailChannel(ReactiveMailer mailer, NotifierConfig config) {
        this.mailer = mailer;
        this.config = config;
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
        return mailer.send(mail)
                .map(ignored -> SendResult.delivered(250, (System.nanoTime() - started) / 1_000_000, null))
                .onFailure().recoverWithItem(failure -> SendResult.retry("SMTP: " + failure.getMessage(),
                        (System.nanoTime() - started) / 1_000_000));
    }

    private static String escape(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
