package io.wharf.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Small TCP helpers for picking and waiting on local ports. */
public final class Net {

    private Net() {
    }

    /** A port that was free on 127.0.0.1 a moment ago. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when something accepts TCP connections on host:port within 500 ms. */
    public static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Waits until host:port accepts connections, or fails after {@code timeoutMillis}. */
    public static void awaitPort(String host, int port, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!answers(host, port)) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(host + ":" + port + " did not start listening within " + timeoutMillis + " ms");
            }
            Thread.sleep(100);
        }
    }
}
