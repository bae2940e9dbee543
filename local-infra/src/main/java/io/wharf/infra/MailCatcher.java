package io.wharf.infra;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;

/**
 * The quickstart's mail catcher: an SMTP server (GreenMail) on 127.0.0.1 that keeps every mail it is
 * sent, in memory, and an HTTP view of them: {@code GET /} lists them as text, {@code GET /api/mails}
 * as JSON (from, to, subject, body). Nothing is relayed anywhere.
 */
public final class MailCatcher implements AutoCloseable {

    private final GreenMail greenMail;
    private final HttpServer http;

    private MailCatcher(GreenMail greenMail, HttpServer http) {
        this.greenMail = greenMail;
        this.http = http;
    }

    public static MailCatcher start(int smtpPort, int httpPort) throws IOException {
        GreenMail greenMail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", httpPort), 16);
        } catch (IOException e) {
            greenMail.stop();
            throw e;
        }
        MailCatcher catcher = new MailCatcher(greenMail, http);
        http.createContext("/api/mails", exchange -> catcher.answer(exchange, "application/json", catcher.json()));
        http.createContext("/", exchange -> catcher.answer(exchange, "text/plain; charset=utf-8", catcher.text()));
        http.start();
        return catcher;
    }

    public int smtpPort() {
        return greenMail.getSmtp().getPort();
    }

    public int httpPort() {
        return http.getAddress().getPort();
    }

    private void answer(com.sun.net.httpserver.HttpExchange exchange, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private String text() {
        MimeMessage[] mails = greenMail.getReceivedMessages();
        StringBuilder text = new StringBuilder(mails.length + " mail(s) caught by the Wharf quickstart (JSON: /api/mails)\n");
        for (MimeMessage mail : mails) {
            text.append("\n---\nFrom: ").append(field(() -> addresses(mail.getFrom())))
                    .append("\nTo: ").append(field(() -> addresses(mail.getAllRecipients())))
                    .append("\nSubject: ").append(field(mail::getSubject))
                    .append("\n\n").append(GreenMailUtil.getBody(mail)).append('\n');
        }
        return text.toString();
    }

    private String json() {
        return Arrays.stream(greenMail.getReceivedMessages())
                .map(mail -> "{\"from\":" + quote(field(() -> addresses(mail.getFrom()))) + ",\"to\":"
                        + quote(field(() -> addresses(mail.getAllRecipients()))) + ",\"subject\":" + quote(field(mail::getSubject))
                        + ",\"body\":" + quote(GreenMailUtil.getBody(mail)) + "}")
                .collect(Collectors.joining(",", "{\"mails\":[", "]}"));
    }

    private interface Field {
        String get() throws MessagingException;
    }

    private static String field(Field field) {
        try {
            String value = field.get();
            return value == null ? "" : value;
        } catch (MessagingException e) {
            return "";
        }
    }

    private static String addresses(Address[] addresses) {
        return addresses == null ? "" : Arrays.stream(addresses).map(Address::toString).collect(Collectors.joining(", "));
    }

    private static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    @Override
    public void close() {
        http.stop(0);
        greenMail.stop();
    }
}
