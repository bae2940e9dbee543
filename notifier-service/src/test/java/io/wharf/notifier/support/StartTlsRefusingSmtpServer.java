package io.wharf.notifier.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real SMTP server, as some are configured: it advertises STARTTLS in its EHLO answer but refuses
 * the command ({@code 454 4.7.0 TLS not available}) and answers anything sent after that which is not
 * an SMTP command (a TLS ClientHello) with {@code 500} and a closed connection. Otherwise it takes mail
 * in plain text and keeps it. {@link #refuseNextSessions} makes the next sessions get
 * {@code 421 try again later} at the greeting (a server that is busy for a while).
 *
 * <p>Init arg {@code start-tls}: the mailer's {@code quarkus.mailer.start-tls} (default OPTIONAL).
 */
public class StartTlsRefusingSmtpServer implements QuarkusTestResourceLifecycleManager {

    /** A mail as received: envelope recipients and the message text. */
    public record Received(List<String> recipients, String message) {
    }

    private static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();
    private static final AtomicInteger STARTTLS_REFUSED = new AtomicInteger();
    private static final AtomicInteger SESSIONS_TO_REFUSE = new AtomicInteger();

    private String startTls = "OPTIONAL";
    private ServerSocket server;

    /** Mails taken in, in order. */
    public static List<Received> received() {
        return List.copyOf(RECEIVED);
    }

    /** Mails taken in for {@code address}. */
    public static List<Received> receivedBy(String address) {
        return RECEIVED.stream().filter(r -> r.recipients().contains(address)).toList();
    }

    /** How many STARTTLS commands were refused. */
    public static int startTlsRefused() {
        return STARTTLS_REFUSED.get();
    }

    /** The next {@code count} sessions are refused at the greeting (421). */
    public static void refuseNextSessions(int count) {
        SESSIONS_TO_REFUSE.set(count);
    }

    @Override
    public void init(Map<String, String> initArgs) {
        startTls = initArgs.getOrDefault("start-tls", startTls);
    }

    @Override
    public Map<String, String> start() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread acceptor = new Thread(this::accept, "smtp-refusing-starttls");
        acceptor.setDaemon(true);
        acceptor.start();
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.mailer.host", "127.0.0.1");
        config.put("quarkus.mailer.port", Integer.toString(server.getLocalPort()));
        config.put("quarkus.mailer.mock", "false");
        config.put("quarkus.mailer.tls", "false");
        config.put("quarkus.mailer.start-tls", startTls);
        return config;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread session = new Thread(() -> session(socket), "smtp-session");
                session.setDaemon(true);
                session.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void session(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            if (SESSIONS_TO_REFUSE.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                write(out, "421 4.3.2 refuse.test busy, try again later");
                return;
            }
            write(out, "220 refuse.test ESMTP");
            List<String> recipients = new ArrayList<>();
            while (true) {
                int first = in.read();
                if (first < 0) {
                    return;
                }
                if (first == 0x16) {
                    // A TLS handshake record where a command belongs: the client started TLS that was refused.
                    write(out, "500 5.5.2 Error: command not recognized");
                    return;
                }
                String line = (char) first + readLine(in);
                String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
                switch (verb) {
                    case "EHLO" -> write(out, "250-refuse.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-STARTTLS\r\n250 SIZE 10240000");
                    case "HELO" -> write(out, "250 refuse.test");
                    case "STARTTLS" -> {
                        STARTTLS_REFUSED.incrementAndGet();
                        write(out, "454 4.7.0 TLS not available due to local problem");
                    }
                    case "MAIL" -> {
                        recipients.clear();
                        write(out, "250 2.1.0 Ok");
                    }
                    case "RCPT" -> {
                        String to = line.substring(line.indexOf('<') + 1, line.lastIndexOf('>'));
                        recipients.add(to);
                        write(out, "250 2.1.5 Ok");
                    }
                    case "DATA" -> {
                        write(out, "354 End data with <CR><LF>.<CR><LF>");
                        StringBuilder message = new StringBuilder();
                        for (String data = readLine(in); !data.equals("."); data = readLine(in)) {
                            message.append(data.startsWith("..") ? data.substring(1) : data).append('\n');
                        }
                        RECEIVED.add(new Received(List.copyOf(recipients), message.toString()));
                        recipients.clear();
                        write(out, "250 2.0.0 Ok: queued");
                    }
                    case "RSET", "NOOP" -> write(out, "250 2.0.0 Ok");
                    case "QUIT" -> {
                        write(out, "221 2.0.0 Bye");
                        return;
                    }
                    default -> write(out, "502 5.5.2 Error: command not recognized");
                }
            }
        } catch (IOException e) {
            // The client went away.
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    private static void write(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void stop() {
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
        RECEIVED.clear();
        STARTTLS_REFUSED.set(0);
        SESSIONS_TO_REFUSE.set(0);
    }
}
