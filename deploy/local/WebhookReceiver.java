import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small webhook receiver for deploy/local/demo.sh, on loopback, needing only the JDK:
 *   java deploy/local/WebhookReceiver.java <port> <dir>
 * It verifies each request's Standard Webhooks signature with the secret in <dir>/secret (written by the demo after
 * registering), prints and appends one line per request to <dir>/received.log, and keeps the last consent.revoked
 * request that verified (<dir>/revoked.id, .timestamp, .signature, .body) so the demo can check its signature again with openssl.
 * Answers 204 to a valid request, 400 to one whose signature does not verify or whose timestamp is over 5 minutes off.
 */
public class WebhookReceiver {

    private static final Pattern TYPE = Pattern.compile("\"type\":\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path dir = Path.of(args[1]);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
            String signatures = exchange.getRequestHeaders().getFirst("webhook-signature");
            boolean valid;
            try {
                valid = verify(Files.readString(dir.resolve("secret")).trim(), id, timestamp, body, signatures);
            } catch (Exception e) {
                valid = false;
            }
            String text = new String(body, StandardCharsets.UTF_8);
            Matcher type = TYPE.matcher(text);
            String line = Instant.now() + "  " + (valid ? "signature VALID  " : "signature INVALID")
                    + "  webhook-id=" + id + "\n    " + text + "\n";
            System.out.print(line);
            Files.writeString(dir.resolve("received.log"), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            if (valid && type.find() && type.group(1).equals("consent.revoked")) {
                Files.writeString(dir.resolve("revoked.id"), id);
                Files.writeString(dir.resolve("revoked.timestamp"), timestamp);
                Files.writeString(dir.resolve("revoked.signature"), signatures);
                Files.write(dir.resolve("revoked.body"), body);
            }
            exchange.sendResponseHeaders(valid ? 204 : 400, -1);
            exchange.close();
        });
        server.start();
        System.out.println("Webhook receiver listening on http://127.0.0.1:" + port + "/");
    }

    /** Standard Webhooks: v1,base64(HMAC-SHA256(key, id.timestamp.body)), any of the space-separated signatures. */
    static boolean verify(String secret, String id, String timestamp, byte[] body, String signatures) throws Exception {
        if (id == null || timestamp == null || signatures == null || !secret.startsWith("whsec_")) {
            return false;
        }
        if (Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)) > 300) {
            return false;
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        byte[] expected = ("v1," + Base64.getEncoder().encodeToString(mac.doFinal(body)))
                .getBytes(StandardCharsets.UTF_8);
        for (String signature : signatures.split(" ")) {
            if (MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.UTF_8))) {
                return true;
            }
        }
        return false;
    }
}
