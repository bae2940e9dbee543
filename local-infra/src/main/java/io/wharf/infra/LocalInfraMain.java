package io.wharf.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;

/**
 * The quickstart's infrastructure process: a Kafka broker and PostgreSQL, kept running until the
 * process is told to stop (SIGTERM).
 *
 * <p>Configuration from the environment (defaults in brackets): {@code WHARF_DATA_DIR} [.wharf],
 * {@code WHARF_KAFKA_PORT} [9092], {@code WHARF_KAFKA_CONTROLLER_PORT} [9093],
 * {@code WHARF_PG_HOST} [127.0.0.1], {@code WHARF_PG_PORT} [5432], {@code WHARF_PG_USER} [postgres],
 * {@code WHARF_PG_PASSWORD} [empty], {@code WHARF_DB} [wharf], {@code WHARF_MAIL_CATCHER_SMTP_PORT} and
 * {@code WHARF_MAIL_CATCHER_HTTP_PORT} [unset: no mail catcher; else a {@link MailCatcher} on those ports,
 * and the mailer settings pointing at it in {@code infra.env}]; with {@code WHARF_STORAGE=s3} and no
 * {@code WHARF_S3_ENDPOINT}, an {@link S3Server} on {@code WHARF_S3_PORT} [9000] keeping objects under
 * {@code <data>/s3}, signing with {@code WHARF_S3_ACCESS_KEY} [wharf] and {@code WHARF_S3_SECRET_KEY}
 * [wharf-local-secret], and its endpoint and keys in {@code infra.env}.
 *
 * <p>{@code LocalInfraMain s3}: only the S3 server (as above, whatever {@code WHARF_STORAGE} says), until stopped;
 * prints its endpoint, then {@code READY}. Benchmarks put Wharf and Distribution on one such server.
 *
 * <p>{@code LocalInfraMain drop-database}: drops {@code WHARF_DB} from the PostgreSQL server on
 * {@code WHARF_PG_HOST:WHARF_PG_PORT} when one answers (an embedded server's data lives in the data directory).
 *
 * <p>Once both answer it writes {@code <data>/infra.env} with the connection settings the services
 * read ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code QUARKUS_DATASOURCE_*}) and prints {@code READY}.
 * Kafka's log and an embedded PostgreSQL's data live under the data directory and survive restarts.
 */
public final class LocalInfraMain {

    private LocalInfraMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("drop-database")) {
            dropDatabase();
            return;
        }
        if (args.length > 0 && args[0].equals("s3")) {
            S3Server s3 = startS3(Path.of(env("WHARF_DATA_DIR", ".wharf")).toAbsolutePath(), true);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop(s3);
                stopped.countDown();
            }, "wharf-s3-shutdown"));
            System.out.println("S3 (S3Proxy) " + s3.endpoint() + " objects in " + s3.dataDir());
            System.out.println("READY");
            System.out.flush();
            stopped.await();
            return;
        }
        Path data = Path.of(env("WHARF_DATA_DIR", ".wharf")).toAbsolutePath();
        int kafkaPort = Integer.parseInt(env("WHARF_KAFKA_PORT", "9092"));
        int controllerPort = Integer.parseInt(env("WHARF_KAFKA_CONTROLLER_PORT", "9093"));
        String database = env("WHARF_DB", "wharf");
        PostgresServer.Options pgOptions = new PostgresServer.Options(
                env("WHARF_PG_HOST", "127.0.0.1"), Integer.parseInt(env("WHARF_PG_PORT", "5432")),
                env("WHARF_PG_USER", "postgres"), env("WHARF_PG_PASSWORD", ""), data.resolve("postgres"));

        for (int port : new int[] {kafkaPort, controllerPort}) {
            if (Net.answers("127.0.0.1", port)) {
                fail("port " + port + " is already in use; set WHARF_KAFKA_PORT / WHARF_KAFKA_CONTROLLER_PORT to free ports");
            }
        }
        PostgresServer postgres = PostgresServer.start(pgOptions);
        postgres.ensureDatabase(database);
        KafkaBroker kafka;
        try {
            kafka = KafkaBroker.start(new KafkaBroker.Options(kafkaPort, controllerPort, data.resolve("kafka")));
        } catch (Exception e) {
            postgres.close();
            throw e;
        }
        MailCatcher mail = null;
        String smtpPort = env("WHARF_MAIL_CATCHER_SMTP_PORT", "");
        if (!smtpPort.isEmpty()) {
            mail = MailCatcher.start(Integer.parseInt(smtpPort), Integer.parseInt(env("WHARF_MAIL_CATCHER_HTTP_PORT", "0")));
        }
        MailCatcher catcher = mail;
        S3Server s3;
        try {
            s3 = startS3(data, false);
        } catch (Exception e) {
            if (catcher != null) {
                catcher.close();
            }
            kafka.close();
            postgres.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (catcher != null) {
                catcher.close();
            }
            if (s3 != null) {
                stop(s3);
            }
            kafka.close();
            try {
                postgres.close();
            } catch (IOException e) {
                System.err.println("stopping PostgreSQL: " + e);
            }
            stopped.countDown();
        }, "wharf-infra-shutdown"));

        writeEnv(data.resolve("infra.env"), kafka, postgres, database, catcher, s3);
        System.out.println("PostgreSQL " + (postgres.embedded() ? "(embedded) " : "") + postgres.jdbcUrl(database));
        System.out.println("Kafka " + kafka.bootstrapServers());
        if (catcher != null) {
            System.out.println("Mail catcher smtp://127.0.0.1:" + catcher.smtpPort() + " http://127.0.0.1:" + catcher.httpPort() + "/");
        }
        if (s3 != null) {
            System.out.println("S3 (S3Proxy) " + s3.endpoint() + " objects in " + s3.dataDir());
        }
        System.out.println("READY");
        System.out.flush();
        stopped.await();
    }

    private static void stop(S3Server s3) {
        try {
            s3.close();
        } catch (Exception e) {
            System.err.println("stopping the S3 server: " + e);
        }
    }

    /**
     * The quickstart's own S3 server when the registry stores blobs on S3 and no server is named (or when
     * {@code always}); else null.
     */
    private static S3Server startS3(Path data, boolean always) throws Exception {
        if (!always && (!env("WHARF_STORAGE", "filesystem").equalsIgnoreCase("s3") || !env("WHARF_S3_ENDPOINT", "").isEmpty())) {
            return null;
        }
        int port = Integer.parseInt(env("WHARF_S3_PORT", "9000"));
        if (Net.answers("127.0.0.1", port)) {
            fail("port " + port + " is already in use; set WHARF_S3_PORT to a free port, or WHARF_S3_ENDPOINT to an S3 server");
        }
        return S3Server.start(new S3Server.Options(port, env("WHARF_S3_ACCESS_KEY", "wharf"),
                env("WHARF_S3_SECRET_KEY", "wharf-local-secret"), data.resolve("s3")));
    }

    private static void writeEnv(Path file, KafkaBroker kafka, PostgresServer pg, String database, MailCatcher mail,
                                 S3Server s3) throws IOException {
        String text = "KAFKA_BOOTSTRAP_SERVERS=" + kafka.bootstrapServers() + "\n"
                + "QUARKUS_DATASOURCE_REACTIVE_URL=" + pg.reactiveUrl(database) + "\n"
                + "QUARKUS_DATASOURCE_JDBC_URL=" + pg.jdbcUrl(database) + "\n"
                + "QUARKUS_DATASOURCE_USERNAME=" + pg.user() + "\n"
                + "QUARKUS_DATASOURCE_PASSWORD=" + pg.password() + "\n";
        if (mail != null) {
            text += "QUARKUS_MAILER_HOST=127.0.0.1\nQUARKUS_MAILER_PORT=" + mail.smtpPort() + "\nQUARKUS_MAILER_START_TLS=DISABLED\n"
                    + "WHARF_MAIL_CATCHER_URL=http://127.0.0.1:" + mail.httpPort() + "/\n";
        }
        if (s3 != null) {
            text += "WHARF_S3_ENDPOINT=" + s3.endpoint() + "\nWHARF_S3_ACCESS_KEY=" + s3.accessKey()
                    + "\nWHARF_S3_SECRET_KEY=" + s3.secretKey() + "\n";
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void dropDatabase() throws Exception {
        PostgresServer server = PostgresServer.existing(new PostgresServer.Options(env("WHARF_PG_HOST", "127.0.0.1"),
                Integer.parseInt(env("WHARF_PG_PORT", "5432")), env("WHARF_PG_USER", "postgres"), env("WHARF_PG_PASSWORD", ""), null));
        String database = env("WHARF_DB", "wharf");
        if (server == null) {
            System.out.println("no PostgreSQL server answers: nothing to drop");
            return;
        }
        server.dropDatabase(database);
        System.out.println("dropped database " + database);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static void fail(String message) {
        System.err.println("wharf-infra: " + message);
        System.exit(2);
    }
}
