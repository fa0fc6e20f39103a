package io.consentledger.query;

import io.consentledger.contracts.common.AccessFrequency;
import io.consentledger.contracts.common.Purpose;
import io.consentledger.contracts.common.Scope;
import io.consentledger.contracts.common.TransactionWindow;
import com.mongodb.client.MongoCollection;
import org.bson.Document;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.stream.Stream;

import static com.mongodb.client.model.Filters.eq;
import static io.consentledger.query.LedgerScript.tx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The console in a real browser: Debian's chromium, driven through its chromedriver by Selenium, against the real
 * query side on the embedded store. The data is written into the event store as the command side writes it
 * ({@link LedgerScript}); the one violation is a share after a revocation, which the command side would refuse, so
 * it can only be planted. Each page's screenshot goes to {@code target/console-screenshots/}.
 * <p>
 * Without chromium the class is skipped with a message, except in CI ({@code CI=true}), where it fails.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"consent-ledger.mongodb.embedded.in-memory=true", "axon.update-check.disabled=true",
                "consent-ledger.test.context=console-browser"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserTest extends HttpTestSupport {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target/console-screenshots");
    static final String XSS = "<img src=x onerror=window.pwned=1>";

    ChromeDriver browser;
    WebDriverWait wait;
    Path downloads;
    Path profile;
    boolean signInShown;

    @BeforeAll
    void startBrowserAndWriteTheLedger() throws IOException {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing: "
                    + "apt-get install -y chromium chromium-driver (.ci/run does this)");
        }
        assumeTrue(installed, "Console browser tests skipped: no " + CHROMIUM + " and " + CHROMEDRIVER
                + ". Install them with: sudo apt-get install -y chromium chromium-driver");
        Files.createDirectories(SCREENSHOTS);
        downloads = Files.createTempDirectory("console-downloads");
        profile = Files.createTempDirectory("console-chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                             "--disable-background-networking", "--disable-component-update", "--disable-sync",
                             "--disable-dev-shm-usage", "--window-size=1440,1000", "--lang=en-GB",
                             "--user-data-dir=" + profile.toAbsolutePath());
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toAbsolutePath().toString(),
                                                      "download.prompt_for_download", false));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                // the browser's own zone, so that the screenshots show a time in UTC and one in the browser's zone
                .withEnvironment(Map.of("TZ", "Europe/Berlin"))
                .build();
        browser = new ChromeDriver(service, options);
        browser.executeCdpCommand("Browser.setDownloadBehavior",
                                  Map.of("behavior", "allow", "downloadPath", downloads.toAbsolutePath().toString()));
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        writeTheLedger();
    }

    @AfterAll
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    /** Two customers at bank-1, three recipients' consents, 14 shares, one of them after a revocation. */
    private void writeTheLedger() {
        LedgerScript ledger = new LedgerScript(eventStore).at(Instant.parse("2026-11-02T08:15:00Z"));
        ledger.link("link-ada-1", "cust-ada", LedgerScript.PROVIDER)
              .requestConsent("consent-msg", "messenger", "cust-ada", "link-ada-1",
                              EnumSet.of(Scope.BALANCES, Scope.TRANSACTIONS),
                              EnumSet.of(Purpose.FRAUD_ALERTS, Purpose.CUSTOMER_SERVICE),
                              TransactionWindow.lookback(90), AccessFrequency.perDay(4))
              .later(Duration.ofMinutes(4)).authorise("consent-msg");
        for (int day = 0; day < 5; day++) {
            ledger.later(Duration.ofHours(20)).shareBalance("consent-msg", "125" + day + ".75", ledger.now());
        }
        ledger.later(Duration.ofHours(3)).shareTransactions("consent-msg", Scope.TRANSACTIONS, Purpose.FRAUD_ALERTS,
                                                            tx("tx-1", "-42.10", ledger.now().minusSeconds(3600)),
                                                            tx("tx-2", "-7.99", ledger.now().minusSeconds(1800)));
        ledger.later(Duration.ofHours(5)).shareTransactions("consent-msg", Scope.TRANSACTIONS, Purpose.CUSTOMER_SERVICE,
                                                            tx("tx-3", "310.00", ledger.now().minusSeconds(600)));
        ledger.requestConsent("consent-voice", "voice-assistant", "cust-ada", "link-ada-1", EnumSet.of(Scope.BALANCES),
                              EnumSet.of(Purpose.BALANCE_CHECK), TransactionWindow.lookback(30), AccessFrequency.perDay(10))
              .later(Duration.ofMinutes(2)).authorise("consent-voice");
        for (int i = 0; i < 3; i++) {
            ledger.later(Duration.ofHours(7)).shareBalance("consent-voice", "980.0" + i, ledger.now(), Purpose.BALANCE_CHECK);
        }
        ledger.later(Duration.ofDays(1)).revoke("consent-msg");
        // what the command side would refuse: a share after the revocation
        ledger.later(Duration.ofHours(2)).shareBalance("consent-msg", "1311.00", ledger.now());
        ledger.link("link-bo-1", "cust-bo", LedgerScript.PROVIDER)
              .requestConsent("consent-bo", "messenger", "cust-bo", "link-bo-1", EnumSet.of(Scope.BALANCES),
                              EnumSet.of(Purpose.FRAUD_ALERTS), TransactionWindow.lookback(90), AccessFrequency.perDay(4))
              .authorise("consent-bo")
              .later(Duration.ofHours(1)).shareBalance("consent-bo", "77.00", ledger.now())
              .later(Duration.ofHours(1)).shareBalance("consent-bo", "78.50", ledger.now());
        // an untrusted string where an id should be: it must show as text, never as markup
        ledger.link(XSS, "cust-eve", LedgerScript.PROVIDER)
              .requestConsent("consent-eve", "messenger", "cust-eve", XSS, EnumSet.of(Scope.BALANCES),
                              EnumSet.of(Purpose.FRAUD_ALERTS), TransactionWindow.lookback(90), AccessFrequency.perDay(4))
              .authorise("consent-eve")
              .later(Duration.ofHours(1)).shareBalance("consent-eve", "1.00", ledger.now());
        awaitJson("/api/v1/audit/access?limit=500", page -> page.get("records").size() == 14);
        awaitJson("/api/v1/audit/compliance", report -> report.get("violations").size() == 1
                && report.get("checkedThroughPosition").asLong() >= report.get("logHeadPosition").asLong());
        awaitJson("/api/v1/consents/consent-msg", view -> view.get("status").asText().equals("REVOKED"));
        awaitJson("/api/v1/customers/cust-ada/consents", list -> list.size() == 2);
    }

    // ---------------------------------------------------------------------------------------------------------

    @Test
    void anAuditorFiltersPagesAndExportsTheAccessHistory() throws Exception {
        signIn("dev-key-auditor");
        open("#/access");
        assertThat(rows("table tbody tr")).hasSize(14);

        // filter through the form: the filters land in the URL
        field("customerId").sendKeys("cust-ada");
        field("recipientId").sendKeys("messenger");
        browser.findElement(By.id("apply-filters")).click();
        wait.until(ExpectedConditions.urlContains("recipientId=messenger"));
        wait.until(d -> rows("table tbody tr").size() == 8);
        assertThat(browser.getCurrentUrl()).contains("#/access?customerId=cust-ada&recipientId=messenger");
        assertThat(columnTexts(2)).containsOnly("messenger");
        screenshot("access-history");

        // purpose and a time range
        open("#/access?recipientId=messenger&purpose=CUSTOMER_SERVICE&from=2026-11-01T00:00:00Z&to=2026-12-31T00:00:00Z");
        assertThat(rows("table tbody tr")).hasSize(1);
        assertThat(field("purpose").getAttribute("value")).isEqualTo("CUSTOMER_SERVICE");

        // cursor paging: 11 of messenger's records in pages of 5, none missed, none repeated
        open("#/access?recipientId=messenger&limit=5");
        Set<String> seen = new HashSet<>();
        List<Integer> sizes = new ArrayList<>();
        while (true) {
            List<String> ids = rows("table tbody tr").stream().map(r -> r.getAttribute("data-event-id")).toList();
            sizes.add(ids.size());
            seen.addAll(ids);
            List<WebElement> next = browser.findElements(By.id("next-page"));
            if (next.isEmpty()) {
                break;
            }
            markStale();
            next.get(0).click();
            waitForPage();
        }
        assertThat(sizes.subList(0, 3)).containsExactly(5, 5, 1);
        assertThat(seen).hasSize(11);

        // export exactly what is filtered
        open("#/access?customerId=cust-ada&recipientId=messenger");
        browser.findElement(By.id("export-csv")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("export-status"), "Downloaded"));
        assertThat(browser.findElement(By.id("export-status")).getText())
                .isEqualTo("Downloaded access-history.csv: 8 records, oldest first.");
        Path csv = downloads.resolve("access-history.csv");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.isRegularFile(csv));
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(9);
        assertThat(lines.get(0)).startsWith("eventId,globalPosition,sharedAt");
        assertThat(lines.subList(1, 9)).allSatisfy(line -> assertThat(line).contains("\"messenger\"", "\"cust-ada\""));
        browser.findElement(By.id("export-ndjson")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("export-status"), "access-history.ndjson: 8 records"));

        // a refusal is shown from its problem details
        open("#/access?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z");
        WebElement problem = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".notice-problem")));
        assertThat(problem.getText()).contains("Invalid request", "from must be before to", "INVALID_REQUEST");
    }

    @Test
    void anAuditorFollowsAConsentsTimelineToItsRawEvents() {
        signIn("dev-key-auditor");
        open("#/consent/consent-msg");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("timeline")));
        List<String> kinds = rows("#timeline > li").stream()
                .map(li -> li.getAttribute("data-kind").equals("share") ? "share" : li.getAttribute("data-change")).toList();
        assertThat(kinds).containsExactly("REQUESTED", "AUTHORISED", "share", "share", "share", "share", "share",
                                          "share", "share", "REVOKED", "share");
        WebElement authorised = browser.findElement(By.cssSelector("#timeline li[data-change='AUTHORISED']"));
        assertThat(authorised.getText()).contains("Evidence", "mobile-app");
        WebElement revoked = browser.findElement(By.cssSelector("#timeline li[data-change='REVOKED']"));
        assertThat(revoked.getText()).contains("CUSTOMER_REQUEST", "CUSTOMER");
        assertThat(browser.findElement(By.id("page-body")).getText()).contains("REVOKED", "messenger", "bank-1", "cust-ada",
                                                                               "FRAUD_ALERTS", "90 days back");
        screenshot("consent");

        String revokedEvent = revoked.getAttribute("data-event-id");
        revoked.findElement(By.partialLinkText("raw event")).click();
        wait.until(ExpectedConditions.urlContains("#/events/consent-msg?eventId=" + revokedEvent));
        WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr.highlight")));
        assertThat(row.getAttribute("data-event-id")).isEqualTo(revokedEvent);
        assertThat(row.getText()).contains("ConsentRevoked");
        screenshot("raw-events");
    }

    @Test
    void anAuditorSeesTheViolationAndFollowsItToTheConsent() {
        signIn("dev-key-auditor");
        open("#/compliance");
        assertThat(browser.findElement(By.id("compliance-result")).getText()).contains("1 violation");
        List<WebElement> violations = rows("table tbody tr");
        assertThat(violations).hasSize(1);
        assertThat(violations.get(0).getAttribute("data-rule")).isEqualTo("SHARED_AFTER_REVOCATION");
        screenshot("compliance");
        violations.get(0).findElement(By.linkText("consent-msg")).click();
        wait.until(ExpectedConditions.urlContains("#/consent/consent-msg"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("timeline")));

        open("#/compliance?consentId=consent-voice");
        assertThat(browser.findElement(By.id("compliance-result")).getText()).contains("Compliant");
    }

    @Test
    void anAuditorSeesWhoHasACustomersDataAndTheAuditorsLog() {
        signIn("dev-key-auditor");
        open("#/customer/cust-ada");
        wait.until(d -> rows("table").size() == 2);
        List<WebElement> tables = rows("table");
        assertThat(tables.get(0).getText()).contains("messenger", "voice-assistant", "FRAUD_ALERTS", "BALANCE_CHECK");
        assertThat(tables.get(1).getText()).contains("consent-msg", "REVOKED", "consent-voice", "AUTHORISED");
        screenshot("customer");

        open("#/oversight");
        assertThat(rows("table tbody tr")).isNotEmpty();
        assertThat(browser.findElement(By.cssSelector("table")).getText()).contains("/api/v1/audit/access", "auditor");
        screenshot("oversight");

        open("#/notifications");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("subscriber-form")));
        assertThat(browser.findElements(By.cssSelector(".notice-problem"))).isEmpty();
        open("#/notifications?subscriber=RECIPIENT:messenger");
        wait.until(d -> !d.findElements(By.cssSelector("#page-body table, #page-body .empty")).isEmpty()
                && d.findElements(By.id("subscriber-form")).size() == 1
                && !d.findElement(By.id("page-body")).getText().contains("Name a subscriber"));
        assertThat(browser.findElements(By.cssSelector(".notice-problem"))).isEmpty();
        screenshot("notifications");
    }

    @Test
    void aPlatformSeesNoneOfAnotherPlatformsRows() {
        signIn("dev-key-voice-assistant");
        assertThat(browser.findElement(By.id("who")).getText()).contains("RECIPIENT voice-assistant");
        assertThat(browser.findElement(By.cssSelector("#nav a[data-page='compliance']")).isDisplayed()).isFalse();
        open("#/access");
        List<WebElement> records = rows("table tbody tr");
        assertThat(records).hasSize(3);
        assertThat(columnTexts(2)).containsOnly("voice-assistant");
        // asking for another platform's rows gives none
        open("#/access?recipientId=messenger");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".empty")));
        assertThat(rows("table tbody tr")).isEmpty();
        open("#/access");
        screenshot("platform-access-history");

        open("#/consent/consent-msg");
        WebElement problem = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".notice-problem")));
        assertThat(problem.getText()).contains("Not found", "NOT_FOUND");

        // a recipient does not look up a bank's customer (the API refuses it): the page says so, and shows nothing
        assertThat(browser.findElement(By.cssSelector("#nav a[data-page='customer']")).isDisplayed()).isFalse();
        open("#/customer/cust-ada");
        assertThat(browser.findElement(By.id("page-body")).getText()).contains("Only auditors see this summary",
                                                                               "Only the customer's bank and auditors see this")
                                                                      .doesNotContain("consent-msg", "consent-voice");
        assertThat(browser.findElements(By.cssSelector(".notice-problem"))).isEmpty();
        assertThat(rows("table")).isEmpty();
    }

    @Test
    void untrustedStringsAreShownAsText() {
        signIn("dev-key-auditor");
        open("#/access?customerId=cust-eve");
        assertThat(rows("table tbody tr")).hasSize(1);
        assertThat(browser.findElement(By.cssSelector("table tbody")).getText()).contains(XSS);
        assertThat(browser.findElements(By.cssSelector("main img"))).isEmpty();
        assertThat(((JavascriptExecutor) browser).executeScript("return window.pwned === undefined")).isEqualTo(true);
        // and nothing the console did broke its Content-Security-Policy
        List<String> violations = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(LogEntry::getMessage)
                .filter(m -> m.contains("Content Security Policy") || m.contains("Uncaught")).toList();
        assertThat(violations).isEmpty();
    }

    /**
     * The Verification page's own check, in the browser with WebCrypto: standard vectors verify, one changed byte
     * does not. Vectors: C2SP signed-note.md (the example of "Verifier keys") and golang.org/x/mod sumdb/note
     * note_test.go (PeterNeumann); the checkpoint is docs/verifiable-log.md's example.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theBrowserChecksSignedNotesItself() {
        signIn("dev-key-auditor");
        String specKey = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
        String specNote = "This is an example message.\n\n\u2014 example.com/foo "
                + "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
        String goKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
        String goNote = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
                + "\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
        String checkpoint = "consent-ledger.example/log\n5\nlpns2ZZV/c5FsZ9DwlVLoTG1ckFyccO7x22CZTKXWHs=\n\n\u2014 "
                + "consent-ledger.example/log VXxEo8+vyIpdB3O3nYV62fVjgLiE74cOcOC6Za7uirPKNkkLTSYjAfBzRgpOlSCMJGTMjCnNN+DGePCfSVSFC4646wM=\n";
        Object results = browser.executeAsyncScript("""
                const [specKey, specNote, goKey, goNote, checkpoint, done] = arguments;
                import('/console/verify.js').then(async v => {
                    const check = (note, key) => v.verifyCheckpointSignature(note, v.parseVerifierKey(key));
                    const parsed = v.parseCheckpoint(checkpoint);
                    done([await check(specNote, specKey), await check(specNote.replace('example message', 'example messagE'), specKey),
                          await check(goNote, goKey), await check(goNote.replace('answer', 'Answer'), goKey),
                          parsed.origin + ' ' + parsed.size + ' ' + parsed.rootHash, v.parseCheckpoint(specNote) === null]);
                }).catch(e => done(['error', String(e)]));
                """, specKey, specNote, goKey, goNote, checkpoint);
        assertThat((List<Object>) results).containsExactly(true, false, true, false,
                "consent-ledger.example/log 5 lpns2ZZV/c5FsZ9DwlVLoTG1ckFyccO7x22CZTKXWHs=", true);
    }

    /**
     * Receipts checked in the browser: RFC 9162 inclusion proofs for every leaf of the RFC 6962 standard leaves
     * (transparency-dev/merkle testonly/constants.go; their root of 8 is {@code 5dc9da79…4328}), and a whole
     * c2sp.org/tlog-proof@v1 receipt signed with a fresh Ed25519 key, which fails once its event is changed.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theBrowserChecksReceiptsItself() throws Exception {
        signIn("dev-key-auditor");
        List<byte[]> standard = Stream.of("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                          "606162636465666768696a6b6c6d6e6f").map(HexFormat.of()::parseHex).toList();
        assertThat(HexFormat.of().formatHex(Merkle.root(standard)))
                .isEqualTo("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
        List<List<Object>> cases = new ArrayList<>();
        for (int size = 1; size <= 8; size++) {
            for (int index = 0; index < size; index++) {
                List<byte[]> tree = standard.subList(0, size);
                cases.add(List.of(index, size, HexFormat.of().formatHex(standard.get(index)),
                                  Merkle.path(index, tree).stream().map(HexFormat.of()::formatHex).toList(),
                                  HexFormat.of().formatHex(Merkle.root(tree))));
            }
        }
        Object inclusions = browser.executeAsyncScript("""
                const [cases, done] = arguments;
                const hex = s => Uint8Array.from(s.match(/../g) || [], b => parseInt(b, 16));
                import('/console/verify.js').then(async v => {
                    const results = [];
                    for (const [index, size, leaf, path, root] of cases) {
                        const hash = await v.leafHash(hex(leaf));
                        const good = await v.verifyInclusion(index, size, hash, path.map(hex), hex(root));
                        const other = await v.verifyInclusion((index + 1) % size, size, hash, path.map(hex), hex(root));
                        results.push(good && (size === 1 || !other));
                    }
                    done(results);
                }).catch(e => done(['error', String(e)]));
                """, cases);
        assertThat((List<Object>) inclusions).hasSize(36).containsOnly(true);

        // a receipt for position 3 of a log of 5 sealed gaps, signed like a ledger checkpoint
        List<byte[]> leaves = new ArrayList<>();
        for (int position = 0; position < 5; position++) {
            leaves.add(("{\"position\":" + position + ",\"tombstone\":true}").getBytes(StandardCharsets.UTF_8));
        }
        // a key whose base64 holds a '+', as about half of them do (the first version of the parser split on it)
        KeyPair pair;
        byte[] material = new byte[33];
        do {
            pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] spki = pair.getPublic().getEncoded();
            material[0] = 1;
            System.arraycopy(spki, spki.length - 32, material, 1, 32);
        } while (!Base64.getEncoder().encodeToString(material).contains("+"));
        String name = "console-test.example/log";
        byte[] idInput = concat((name + "\n").getBytes(StandardCharsets.UTF_8), material);
        byte[] keyId = Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(idInput), 4);
        String vkey = name + "+" + HexFormat.of().formatHex(keyId) + "+" + Base64.getEncoder().encodeToString(material);
        String body = name + "\n5\n" + Base64.getEncoder().encodeToString(Merkle.root(leaves)) + "\n";
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(pair.getPrivate());
        signer.update(body.getBytes(StandardCharsets.UTF_8));
        String note = body + "\n\u2014 " + name + " " + Base64.getEncoder().encodeToString(concat(keyId, signer.sign())) + "\n";
        StringBuilder receipt = new StringBuilder("c2sp.org/tlog-proof@v1\nextra ")
                .append(Base64.getEncoder().encodeToString(leaves.get(3))).append("\nindex 3\n");
        Merkle.path(3, leaves).forEach(hash -> receipt.append(Base64.getEncoder().encodeToString(hash)).append('\n'));
        receipt.append('\n').append(note);
        String leaf3 = Base64.getEncoder().encodeToString(leaves.get(3));
        // another leaf at position 3, canonical and well formed: only the inclusion proof can tell
        String otherEvent = "{\"aggregateId\":null,\"aggregateType\":null,\"eventId\":\"forged\",\"metaData\":\"{}\","
                + "\"payload\":\"{}\",\"payloadRevision\":null,\"payloadType\":\"x.Forged\",\"position\":3,"
                + "\"sequenceNumber\":null,\"timestamp\":\"2026-01-01T00:00:00Z\"}";
        String forged = receipt.toString().replace(leaf3, Base64.getEncoder().encodeToString(otherEvent.getBytes(StandardCharsets.UTF_8)));
        String notAGap = receipt.toString().replace(leaf3, Base64.getEncoder().encodeToString(
                "{\"position\":3,\"tombstone\":false}".getBytes(StandardCharsets.UTF_8)));
        String notCanonical = receipt.toString().replace(leaf3, Base64.getEncoder().encodeToString(
                "{\"tombstone\":true,\"position\":3}".getBytes(StandardCharsets.UTF_8)));
        Object outcomes = browser.executeAsyncScript("""
                const [receipt, forged, notAGap, notCanonical, vkey, done] = arguments;
                import('/console/verify.js').then(async v => {
                    const key = v.parseVerifierKey(vkey);
                    const reason = async text => { const o = await v.verifyReceipt(text, key); return o.ok ? 'ok' : o.reason; };
                    done([await reason(receipt), await reason(forged), await reason(notAGap), await reason(notCanonical),
                          await reason(receipt.replace('index 3', 'index 2')),
                          await reason(receipt.replace('\\n5\\n', '\\n6\\n')),
                          await reason(receipt.replace(/\\nextra [^\\n]*/, ''))]);
                }).catch(e => done(['error', String(e)]));
                """, receipt.toString(), forged, notAGap, notCanonical, vkey);
        assertThat((List<Object>) outcomes).hasSize(7);
        assertThat(((List<Object>) outcomes).get(0)).isEqualTo("ok");
        assertThat((String) ((List<Object>) outcomes).get(1)).startsWith("inclusion proof of leaf 3 in tree size 5 leads to root ")
                                                          .endsWith("the leaf is not in the signed tree (the event was changed after it was logged, or the proof is wrong)");
        assertThat(((List<Object>) outcomes).subList(2, 7)).containsExactly(
                "\"tombstone\" is true when present",
                "the leaf bytes are not in canonical form",
                "its leaf is position 3 but it proves index 2",
                "the signature of " + name + "+" + HexFormat.of().formatHex(keyId) + " does not verify",
                "it carries no leaf (no extra line)");
    }

    /**
     * verify.js's RFC 6962 code on the standard vectors, in the browser: transparency-dev/merkle
     * {@code testonly/constants.go} (the 8 leaf inputs, their leaf hashes and the roots of sizes 1 to 8) and the
     * inclusion proofs of {@code proof/verify_test.go} (leaf numbers 1-based there, 0-based here), which must verify,
     * with that file's corruptions (wrong index or size, wrong leaf or root, extended, prepended, truncated, a flipped
     * bit, an inserted hash), which must all fail. The same vectors as the Java verifier's Rfc6962VectorsTest.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theBrowsersRfc6962CodePassesTheStandardVectors() {
        signIn("dev-key-auditor");
        List<String> leafInputs = List.of("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                          "606162636465666768696a6b6c6d6e6f");
        List<String> leafHashes = List.of(
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
                "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1");
        List<String> roots = List.of(
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
                "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
                "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
                "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
        List<List<Object>> inclusions = List.of(
                List.of(0, 8, List.of("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                                      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                                      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")),
                List.of(5, 8, List.of("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                                      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                                      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")),
                List.of(2, 3, List.of("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
                List.of(1, 5, List.of("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                                      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                                      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")),
                List.of(0, 1, List.of()));
        Object results = browser.executeAsyncScript("""
                const [inputs, leafHashes, roots, inclusions, done] = arguments;
                const bytes = s => Uint8Array.from(s.match(/../g) || [], b => parseInt(b, 16));
                const someHash = bytes('abacaba000000000000000000000000000000000000000000060061e00123456');
                import('/console/verify.js').then(async v => {
                    const out = { leafHashes: [], good: [], corruptionsPassing: [], probes: 0 };
                    for (const input of inputs) out.leafHashes.push(v.hex(await v.leafHash(bytes(input))));
                    for (const [index, size, path] of inclusions) {
                        const leaf = await v.leafHash(bytes(inputs[index]));
                        const proof = path.map(bytes);
                        const root = bytes(roots[size]);
                        out.good.push(await v.verifyInclusion(index, size, leaf, proof, root)
                            && v.hex(await v.rootFromInclusion(index, size, leaf, proof)) === roots[size]);
                        const probes = [
                            ['index - 1', index - 1, size, leaf, proof, root],
                            ['index + 1', index + 1, size, leaf, proof, root],
                            ['index ^ 2', index ^ 2, size, leaf, proof, root],
                            ['size * 2', index, size * 2, leaf, proof, root],
                            ['size / 2', index, Math.floor(size / 2), leaf, proof, root],
                            ['wrong leaf', index, size, new TextEncoder().encode('WrongLeaf'), proof, root],
                            ['empty root', index, size, leaf, proof, bytes(roots[0])],
                            ['some root', index, size, leaf, proof, someHash],
                            ['appended empty', index, size, leaf, [...proof, new Uint8Array(0)], root],
                            ['appended root', index, size, leaf, [...proof, root], root],
                            ['prepended empty', index, size, leaf, [new Uint8Array(0), ...proof], root],
                            ['prepended root', index, size, leaf, [root, ...proof], root],
                        ];
                        proof.forEach((hash, i) => {
                            const flipped = proof.map(h => h.slice());
                            flipped[i][0] ^= 1;
                            probes.push(['flipped bit in hash ' + i, index, size, leaf, flipped, root]);
                        });
                        if (proof.length > 0) probes.push(['truncated', index, size, leaf, proof.slice(0, -1), root]);
                        if (proof.length > 1) probes.push(['inserted', index, size, leaf, [proof[0], someHash, ...proof.slice(1)], root]);
                        for (const [name, i, n, l, p, r] of probes) {
                            out.probes++;
                            if (await v.verifyInclusion(i, n, l, p, r)) out.corruptionsPassing.push(index + '/' + size + ': ' + name);
                        }
                    }
                    done(out);
                }).catch(e => done({ error: String(e) }));
                """, leafInputs, leafHashes, roots, inclusions);
        Map<String, Object> out = (Map<String, Object>) results;
        assertThat(out).doesNotContainKey("error");
        assertThat((List<Object>) out.get("leafHashes")).containsExactlyElementsOf(leafHashes);
        assertThat((List<Object>) out.get("good")).containsExactly(true, true, true, true, true);
        assertThat(((Number) out.get("probes")).intValue()).isEqualTo(5 * 12 + 10 + 4 + 3);
        assertThat((List<Object>) out.get("corruptionsPassing")).isEmpty();
    }

    /**
     * A platform verifies its own share, and an auditor a share on a consent's timeline, in the browser: the console
     * fetches the share's receipt and checks it with WebCrypto (verify.js); the Verification page shows the latest
     * checkpoint with its signature checked here, and a share's checks one by one.
     */
    @Test
    void aShareIsVerifiedInTheBrowser() {
        awaitACheckpointCoveringEveryShare();
        signIn("dev-key-messenger");
        open("#/access?consentId=consent-bo");
        List<WebElement> records = rows("table tbody tr");
        assertThat(records).hasSize(2);
        WebElement verdict = verify(records.get(0));
        assertThat(verdict.getAttribute("data-verified")).as(verdict.getText()).isEqualTo("true");
        assertThat(verdict.getText()).contains("Verified", "is this share's event, in the signed tree of");
        assertThat(checks(verdict)).containsExactly("receipt:ok", "leaf:ok", "share:ok", "signature:ok", "inclusion:ok", "fork:ok");
        verdict.findElement(By.tagName("summary")).click();
        screenshot("access-history-verified");

        signIn("dev-key-auditor");
        open("#/consent/consent-voice");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("timeline")));
        List<WebElement> shares = rows("#timeline > li[data-kind='share']");
        assertThat(shares).hasSize(3);
        WebElement onTimeline = verify(shares.get(1));
        assertThat(onTimeline.getAttribute("data-verified")).as(onTimeline.getText()).isEqualTo("true");

        open("#/verification");
        WebElement status = browser.findElement(By.id("checkpoint-status"));
        assertThat(status.getText()).contains("Signature verified", "the key this server publishes");
        String vkey = get("/api/v1/log/key").body().strip();
        assertThat(browser.findElement(By.id("key-in-use")).getText()).isEqualTo(vkey);
        assertThat(Long.parseLong(browser.findElement(By.id("checkpoint-size")).getText())).isGreaterThan(20);
        screenshot("verification");

        String eventId = get("/api/v1/audit/access?consentId=consent-voice").json().get("records").get(0).get("eventId").asText();
        open("#/verification?eventId=" + eventId);
        WebElement result = browser.findElement(By.cssSelector("#share-result .verdict"));
        assertThat(result.getAttribute("data-verified")).as(result.getText()).isEqualTo("true");
        assertThat(checks(result)).containsExactly("receipt:ok", "leaf:ok", "share:ok", "signature:ok", "inclusion:ok", "fork:ok");
        assertThat(result.getText()).contains("event " + eventId + " (BalanceShared)");
        screenshot("verification-share");

        // a key pinned by the user is used instead of the server's: a key of the same name that did not sign fails
        String otherKey = io.consentledger.verifiable.note.NoteSigner.generate(vkey.substring(0, vkey.indexOf('+')))
                .verifier().vkey();
        pinKey(otherKey);
        assertThat(browser.findElement(By.id("checkpoint-status")).getText()).contains("Signature NOT verified", "is not signed by");
        assertThat(browser.findElement(By.id("key-form")).getText()).contains("The server publishes another key");
        open("#/verification?eventId=" + eventId);
        WebElement withOtherKey = browser.findElement(By.cssSelector("#share-result .verdict"));
        assertThat(withOtherKey.getAttribute("data-verified")).isEqualTo("false");
        assertThat(checks(withOtherKey)).containsExactly("receipt:ok", "leaf:ok", "share:ok", "signature:bad");
        pinKey(vkey);
        assertThat(browser.findElement(By.id("checkpoint-status")).getText()).contains("Signature verified", "the key you pinned");
        browser.findElement(By.id("unpin-key")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("checkpoint-status"), "the key this server publishes"));
    }

    /**
     * Tampering is caught in the browser, whatever the server says. Two test-only ways, neither in the product:
     * the stored event is edited in the database after it was logged (the server then builds the receipt from the
     * edited event, as it would in production), and the page's {@code fetch} is wrapped by the test (through
     * WebDriver, which the page's Content-Security-Policy does not govern) to serve another share's receipt, or a
     * receipt whose checkpoint was changed.
     */
    @Test
    void aTamperedReceiptFailsInTheBrowser() throws Exception {
        awaitACheckpointCoveringEveryShare();
        JsonNode shares = get("/api/v1/audit/access?consentId=consent-bo").json().get("records");
        String first = shares.get(0).get("eventId").asText();
        String second = shares.get(1).get("eventId").asText();
        long position = shares.get(0).get("leafIndex").asLong();
        signIn("dev-key-auditor");

        // 1. the event was changed in the store after it was logged
        MongoCollection<Document> commits = database.getCollection("events");
        Document original = commits.find(eq("positions", position)).first();
        assertThat(original).isNotNull();
        assertThat(original.getList("positions", Long.class)).containsExactly(position);
        try {
            Document changed = Document.parse(original.toJson());
            changed.put("_id", original.get("_id"));
            changed.put("positions", original.getList("positions", Long.class));
            changed.getList("events", Document.class).get(0).get("payload", Document.class).put("amount", "7700.00");
            commits.replaceOne(eq("_id", original.get("_id")), changed);
            String served = get("/api/v1/audit/access/" + first + "/receipt").body();
            String leaf = new String(Base64.getDecoder().decode(served.lines().filter(l -> l.startsWith("extra ")).findFirst()
                                                                        .orElseThrow().substring(6)), StandardCharsets.UTF_8);
            assertThat(leaf).as("the server serves the edited event").contains("7700.00");

            open("#/access?consentId=consent-bo");
            WebElement verdict = verify(row(first));
            assertThat(verdict.getAttribute("data-verified")).isEqualTo("false");
            assertThat(verdict.getText()).contains("Verification failed", "inclusion proof of leaf " + position,
                                                   "the leaf is not in the signed tree (the event was changed after it was logged");
            assertThat(checks(verdict)).containsExactly("receipt:ok", "leaf:ok", "share:ok", "signature:ok", "inclusion:bad");
            verdict.findElement(By.tagName("summary")).click();
            screenshot("access-history-tampered");
            open("#/verification?eventId=" + first);
            WebElement onPage = browser.findElement(By.cssSelector("#share-result .verdict"));
            assertThat(onPage.getAttribute("data-verified")).isEqualTo("false");
            assertThat(checks(onPage)).containsExactly("receipt:ok", "leaf:ok", "share:ok", "signature:ok", "inclusion:bad");
            screenshot("verification-tampered");
        } finally {
            commits.replaceOne(eq("_id", original.get("_id")), original);
        }

        // 2. another share's receipt, served for this one: valid and signed, but not this share's event
        open("#/access?consentId=consent-bo");
        interceptReceipts(first, second, false);
        WebElement swapped = verify(row(first));
        assertThat(swapped.getAttribute("data-verified")).isEqualTo("false");
        assertThat(swapped.getText()).contains("the leaf is event " + second + ", not the share's event " + first);
        assertThat(checks(swapped)).containsExactly("receipt:ok", "leaf:ok", "share:bad");

        // 3. a receipt whose checkpoint claims a larger tree: its signature no longer verifies
        browser.navigate().refresh();
        waitForPage();
        interceptReceipts(null, null, true);
        WebElement resized = verify(row(second));
        assertThat(resized.getAttribute("data-verified")).isEqualTo("false");
        assertThat(resized.getText()).contains("does not verify");
        assertThat(checks(resized)).containsExactly("receipt:ok", "leaf:ok", "share:ok", "signature:bad");

        // and the untouched share still verifies once the page is itself again
        browser.navigate().refresh();
        waitForPage();
        assertThat(verify(row(first)).getAttribute("data-verified")).isEqualTo("true");
    }

    /** Every share is covered by a signed checkpoint (the tree builder signs about every second). */
    private void awaitACheckpointCoveringEveryShare() {
        long last = 0;
        for (JsonNode record : get("/api/v1/audit/access?limit=500").json().get("records")) {
            last = Math.max(last, record.get("leafIndex").asLong());
        }
        long needed = last + 1;
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Response checkpoint = get("/api/v1/log/checkpoint");
            return checkpoint.status() == 200 && Long.parseLong(checkpoint.body().split("\n")[1]) >= needed;
        });
    }

    /** Clicks the Verify action in {@code holder} and waits for the verdict. */
    private WebElement verify(WebElement holder) {
        holder.findElement(By.cssSelector("button.verify-share")).click();
        return wait.until(d -> {
            List<WebElement> found = holder.findElements(By.cssSelector(".verdict"));
            return found.isEmpty() ? null : found.get(0);
        });
    }

    private WebElement row(String eventId) {
        return browser.findElement(By.cssSelector("table tbody tr[data-event-id='" + eventId + "']"));
    }

    /** Each check of a verdict as name:ok or name:bad, in order. */
    private static List<String> checks(WebElement verdict) {
        return verdict.findElements(By.cssSelector(".checks li")).stream()
                      .map(li -> li.getAttribute("data-check") + ":" + (li.getAttribute("class").contains("check-ok") ? "ok" : "bad"))
                      .toList();
    }

    private void pinKey(String vkey) {
        WebElement input = browser.findElement(By.id("verifier-key"));
        input.clear();
        input.sendKeys(vkey);
        markStale();
        browser.findElement(By.id("pin-key")).click();
        waitForPage();
    }

    /**
     * Test-only: wraps this page's {@code fetch} so that a share's receipt is fetched for another event id, or its
     * checkpoint's tree size is raised by one. Gone when the page reloads.
     */
    private void interceptReceipts(String from, String to, boolean resizeCheckpoint) {
        ((JavascriptExecutor) browser).executeScript("""
                const [from, to, resize] = arguments;
                const original = window.fetch.bind(window);
                window.fetch = async (input, init) => {
                    let url = String(input instanceof Request ? input.url : input);
                    if (!url.includes('/receipt')) return original(input, init);
                    if (from) url = url.replace(encodeURIComponent(from), encodeURIComponent(to));
                    const response = await original(url, init);
                    let text = await response.text();
                    if (resize) {
                        text = text.replace(/\\n(\\d+)\\n([A-Za-z0-9+\\/=]{44})\\n\\n\\u2014/,
                            (all, size, root) => '\\n' + (BigInt(size) + 1n) + '\\n' + root + '\\n\\n\\u2014');
                    }
                    return new Response(text, { status: response.status, headers: response.headers });
                };
                """, from, to, resizeCheckpoint);
    }

    /** RFC 9162 §2.1: the tree hash and an audit path, written out plainly for the test vectors. */
    static final class Merkle {
        static byte[] root(List<byte[]> leaves) {
            if (leaves.size() == 1) {
                return hash(new byte[] {0}, leaves.get(0));
            }
            int k = split(leaves.size());
            return hash(new byte[] {1}, concat(root(leaves.subList(0, k)), root(leaves.subList(k, leaves.size()))));
        }

        static List<byte[]> path(int index, List<byte[]> leaves) {
            if (leaves.size() == 1) {
                return new ArrayList<>();
            }
            int k = split(leaves.size());
            List<byte[]> path;
            if (index < k) {
                path = path(index, leaves.subList(0, k));
                path.add(root(leaves.subList(k, leaves.size())));
            } else {
                path = path(index - k, leaves.subList(k, leaves.size()));
                path.add(root(leaves.subList(0, k)));
            }
            return path;
        }

        private static int split(int n) {
            int k = 1;
            while (k * 2 < n) {
                k *= 2;
            }
            return k;
        }

        private static byte[] hash(byte[] prefix, byte[] data) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(concat(prefix, data));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

    // ---------------------------------------------------------------------------------------------------------

    private void signIn(String key) {
        browser.get("http://127.0.0.1:" + port + "/console/");
        ((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
        browser.get("http://127.0.0.1:" + port + "/console/#/signin");
        browser.navigate().refresh();
        WebElement secret = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("secret")));
        if (!signInShown) {
            screenshot("sign-in");
            signInShown = true;
        }
        secret.sendKeys(key);
        browser.findElement(By.id("sign-in")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("who")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "Signed in as"));
    }

    private void open(String hash) {
        markStale();
        String url = "http://127.0.0.1:" + port + "/console/" + hash;
        if (url.equals(browser.getCurrentUrl())) {
            browser.navigate().refresh(); // the same URL again: only a reload renders the page anew
        } else {
            browser.get(url);
        }
        waitForPage();
    }

    /** Marks the page shown now, so that {@link #waitForPage} waits for the next one. */
    private void markStale() {
        ((JavascriptExecutor) browser).executeScript(
                "const body = document.getElementById('page-body'); if (body) body.dataset.stale = 'yes';");
    }

    /** Until a new page has rendered and loaded its data: no loading line left. */
    private void waitForPage() {
        wait.until(d -> !d.findElements(By.cssSelector("#page-body:not([data-stale])")).isEmpty()
                && d.findElements(By.cssSelector(".loading")).isEmpty());
    }

    private WebElement field(String name) {
        return browser.findElement(By.id("f-" + name));
    }

    private List<WebElement> rows(String css) {
        return browser.findElements(By.cssSelector(css));
    }

    private List<String> columnTexts(int column) {
        return rows("table tbody tr td:nth-child(" + column + ")").stream().map(WebElement::getText).toList();
    }

    /** The whole page, as tall as its content. */
    private void screenshot(String name) {
        Object height = ((JavascriptExecutor) browser).executeScript(
                "window.scrollTo(0, 0); return document.documentElement.scrollHeight");
        int tall = Math.max(800, Math.min(2600, ((Number) height).intValue()));
        browser.manage().window().setSize(new Dimension(1440, tall + 120));
        try {
            Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            browser.manage().window().setSize(new Dimension(1440, 1000));
        }
    }
}
