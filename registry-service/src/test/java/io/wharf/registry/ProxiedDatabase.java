package io.wharf.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import javax.management.Attribute;
import javax.management.JMException;
import javax.management.ObjectName;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.wharf.infra.PostgresServer;

/**
 * A database of its own for one test profile, reached by the registry's reactive client through a
 * TCP proxy in this JVM that a test can take down (new connections refused, open ones cut) and bring
 * back, as PostgreSQL going away looks to the registry. Flyway connects directly. The profile's
 * {@code %test.} keys win over the unprofiled ones of {@link io.wharf.infra.WharfInfraTestResource}.
 *
 * <p>The switch is an MBean on the platform MBean server (the same for every class loader of the
 * JVM), named {@value #SWITCH}: its attribute {@code Reachable} set to false takes the database away,
 * set to true brings it back ({@link #reachable}).
 */
public class ProxiedDatabase implements QuarkusTestResourceLifecycleManager {

    /** The name of the switch. */
    public static final String SWITCH = "io.wharf.test:type=DatabaseProxy";

    /** What the switch offers. */
    public interface ProxyMBean {
        boolean isReachable();

        void setReachable(boolean reachable);
    }

    /** Takes the database away from the registry, or brings it back (from a test, whatever its class loader). */
    public static void reachable(boolean reachable) {
        try {
            ManagementFactory.getPlatformMBeanServer().setAttribute(new ObjectName(SWITCH), new Attribute("Reachable", reachable));
        } catch (JMException e) {
            throw new IllegalStateException("the database proxy is not there", e);
        }
    }

    private PostgresServer postgres;
    private String database;
    private Proxy proxy;

    @Override
    public Map<String, String> start() {
        String host = env("WHARF_TEST_PG_HOST", "127.0.0.1");
        int port = Integer.parseInt(env("WHARF_TEST_PG_PORT", "5432"));
        postgres = PostgresServer.existing(new PostgresServer.Options(host, port, env("WHARF_TEST_PG_USER", "postgres"),
                env("WHARF_TEST_PG_PASSWORD", ""), null));
        if (postgres == null) {
            throw new IllegalStateException("this test needs the PostgreSQL server on " + host + ":" + port);
        }
        database = "wharf_registry_outage_" + ProcessHandle.current().pid() + "_" + ThreadLocalRandom.current().nextInt(1_000_000);
        try {
            postgres.dropDatabase(database);
            postgres.ensureDatabase(database);
            proxy = new Proxy(new InetSocketAddress(postgres.host(), postgres.port()));
        } catch (Exception e) {
            throw new IllegalStateException("could not set up the proxied database", e);
        }
        try {
            ManagementFactory.getPlatformMBeanServer().registerMBean(proxy, new ObjectName(SWITCH));
        } catch (JMException e) {
            throw new IllegalStateException("could not publish the database switch", e);
        }
        return Map.of("%test.quarkus.datasource.reactive.url", "postgresql://127.0.0.1:" + proxy.port + "/" + database,
                "%test.quarkus.datasource.jdbc.url", postgres.jdbcUrl(database));
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.setReachable(false);
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(new ObjectName(SWITCH));
            } catch (JMException e) {
                System.err.println("could not unpublish the database switch: " + e);
            }
        }
        try {
            if (postgres != null) {
                postgres.dropDatabase(database);
                postgres.close();
            }
        } catch (Exception e) {
            System.err.println("could not drop " + database + ": " + e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** A TCP proxy on a fixed loopback port: up, it forwards every connection to the target; down, it refuses them all. */
    public static final class Proxy implements ProxyMBean {
        private final InetSocketAddress target;
        private final Set<Socket> open = ConcurrentHashMap.newKeySet();
        final int port;
        private ServerSocket server;

        Proxy(InetSocketAddress target) throws IOException {
            this.target = target;
            this.server = listen(0);
            this.port = server.getLocalPort();
            serve(server);
        }

        @Override
        public synchronized boolean isReachable() {
            return server != null;
        }

        @Override
        public synchronized void setReachable(boolean up) {
            try {
                if (up && server == null) {
                    server = listen(port);
                    serve(server);
                } else if (!up && server != null) {
                    server.close();
                    server = null;
                    for (Socket s : open) {
                        s.close();
                    }
                    open.clear();
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private static ServerSocket listen(int port) throws IOException {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return s;
        }

        private void serve(ServerSocket listening) {
            Thread acceptor = new Thread(() -> {
                while (!listening.isClosed()) {
                    try {
                        Socket client = listening.accept();
                        Socket upstream = new Socket(target.getAddress(), target.getPort());
                        open.add(client);
                        open.add(upstream);
                        pump(client, upstream);
                        pump(upstream, client);
                    } catch (IOException e) {
                        // closed: the database was taken away
                    }
                }
            }, "db-proxy-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void pump(Socket from, Socket to) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[16384];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                } catch (IOException e) {
                    // one side went away
                } finally {
                    close(from);
                    close(to);
                }
            }, "db-proxy-pump");
            t.setDaemon(true);
            t.start();
        }

        private void close(Socket s) {
            open.remove(s);
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
