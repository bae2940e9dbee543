package io.wharf.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.restassured.RestAssured;

/** One kept-alive HTTP/1.1 connection to the registry under test, written and read by hand. */
final class RawConnection implements AutoCloseable {

    record Reply(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    RawConnection() throws IOException {
        socket = new Socket("127.0.0.1", RestAssured.port);
        socket.setSoTimeout(30_000);
        out = socket.getOutputStream();
        in = socket.getInputStream();
    }

    /**
     * A request head as the admin, with {@code headers} added ("Name: value"); the content type is
     * {@code application/octet-stream} unless one of them gives another.
     */
    static byte[] head(String requestLine, String... headers) {
        StringBuilder s = new StringBuilder(requestLine).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ")
                .append(Admin.BASIC).append("\r\n");
        if (java.util.Arrays.stream(headers).noneMatch(h -> h.regionMatches(true, 0, "Content-Type:", 0, 13))) {
            s.append("Content-Type: application/octet-stream\r\n");
        }
        for (String h : headers) {
            s.append(h).append("\r\n");
        }
        return s.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sends a request ({@code body} null: no body at all) and reads its response. */
    Reply exchange(String requestLine, byte[] body) throws IOException {
        send(body == null ? head(requestLine) : head(requestLine, "Content-Length: " + body.length));
        if (body != null) {
            send(body);
        }
        return read();
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Reads one response (an interim 1xx one too) whose body has a Content-Length, as every
     * registry response does.
     */
    Reply read() throws IOException {
        ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection closed mid-response: " + headBytes);
            }
            headBytes.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String[] lines = headBytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
        return new Reply(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
    }

    /** True when the server has closed the connection (nothing more to read). */
    boolean closedByServer() throws IOException {
        return in.read() < 0;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
