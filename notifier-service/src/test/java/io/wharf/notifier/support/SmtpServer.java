package io.wharf.notifier.support;

import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.wharf.infra.Net;

/** A real SMTP server (GreenMail) on a free port, with the mailer pointed at it. */
public class SmtpServer implements QuarkusTestResourceLifecycleManager {

    private static volatile GreenMail greenMail;

    /** The running server, to read what arrived. */
    public static GreenMail greenMail() {
        return greenMail;
    }

    @Override
    public Map<String, String> start() {
        int port = Net.freePort();
        greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        return Map.of("quarkus.mailer.host", "127.0.0.1", "quarkus.mailer.port", Integer.toString(port),
                "quarkus.mailer.mock", "false", "quarkus.mailer.tls", "false", "quarkus.mailer.start-tls", "DISABLED");
    }

    @Override
    public void stop() {
        if (greenMail != null) {
            greenMail.stop();
            greenMail = null;
        }
    }
}
