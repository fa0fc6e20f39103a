package io.consentledger.system;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ledger as it runs in production, on one machine: the embedded store and any number of command-side and
 * query-side instances, each a process of its own, started from the packaged jars. Logs go to
 * {@code deploy/target/system-test-logs}.
 */
public final class LedgerProcesses implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(120);

    private final List<Process> all = new ArrayList<>();
    private final List<Instance> commandSide = new ArrayList<>();
    private final List<Instance> querySide = new ArrayList<>();
    private String mongoUri;
    private final Path logs;
    private final HttpClient http = HttpClient.newHttpClient();

    /** One running application; its URL is known once it has said which port it bound. */
    public static final class Instance {
        private final String name;
        private final Process process;
        private volatile String url;

        Instance(String name, Process process) {
            this.name = name;
            this.process = process;
        }

        public String name() {
            return name;
        }

        public String url() {
            return url;
        }

        public Process process() {
            return process;
        }
    }

    /** Every process binds port 0 and reports the port it got, so parallel runs never race for a port. */
    private static final java.util.regex.Pattern TOMCAT_PORT =
            java.util.regex.Pattern.compile("Tomcat started on port (\\d+)");
    private static final java.util.regex.Pattern STORE_URI =
            java.util.regex.Pattern.compile("Embedded store listening on (mongodb://\\S+)");

    private LedgerProcesses(Path logs) {
        this.logs = logs;
    }

    public static LedgerProcesses start(String testName, int commandInstances, int queryInstances, String... extraArgs)
            throws Exception {
        Path logs = Path.of(System.getProperty("ledger.logDir", "target/system-test-logs")).resolve(testName);
        Files.createDirectories(logs);
        LedgerProcesses ledger = new LedgerProcesses(logs);
        try {
            ledger.startStore();
            List<Instance> starting = new ArrayList<>();
            for (int i = 0; i < commandInstances; i++) {
                starting.add(ledger.startApp("command-" + (i + 1), jar("ledger.commandJar"), ledger.commandSide, extraArgs));
            }
            for (int i = 0; i < queryInstances; i++) {
                starting.add(ledger.startApp("query-" + (i + 1), jar("ledger.queryJar"), ledger.querySide, extraArgs));
            }
            for (Instance instance : starting) {
                ledger.awaitReady(instance);
            }
            return ledger;
        } catch (Exception e) {
            ledger.close();
            throw e;
        }
    }

    public String command(int index) {
        return commandSide.get(index).url();
    }

    public String query(int index) {
        return querySide.get(index).url();
    }

    public List<Instance> commandInstances() {
        return List.copyOf(commandSide);
    }

    public List<Instance> queryInstances() {
        return List.copyOf(querySide);
    }

    /** The store's process id, for jcmd. */
    public long storePid() {
        return all.get(0).pid();
    }

    /** Stops a query-side instance the way an orchestrator does: SIGTERM, then wait. */
    void stopQuery(int index) throws InterruptedException {
        Process process = querySide.get(index).process();
        process.destroy();
        process.waitFor();
    }

    private void startStore() throws Exception {
        // the in-memory store holds every document on its heap: a benchmark storing 100k+ shares sets ledger.storeHeap
        ProcessBuilder builder = java("-Xmx" + System.getProperty("ledger.storeHeap", "512m"), "-cp", jar("ledger.commandJar").toString(),
                                      "-Dloader.main=io.consentledger.eventstore.embedded.EmbeddedStoreLauncher",
                                      "org.springframework.boot.loader.launch.PropertiesLauncher");
        builder.environment().putAll(Map.of("EMBEDDED_MONGO_PORT", "0", "EMBEDDED_MONGO_IN_MEMORY", "true"));
        Process store = launch(builder, "store");
        mongoUri = awaitLogLine("store", store, STORE_URI);
    }

    /** Waits until the process's log has a line matching {@code pattern}, and returns its first group. */
    private String awaitLogLine(String name, Process process, java.util.regex.Pattern pattern) throws Exception {
        Path log = logs.resolve(name + ".log");
        Instant deadline = Instant.now().plus(STARTUP);
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(log)) {
                java.util.regex.Matcher matcher = pattern.matcher(Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1));
                if (matcher.find()) {
                    return matcher.group(1);
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " died; see " + log);
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " did not start in time; see " + log);
    }

    private Instance startApp(String name, Path jar, List<Instance> group, String... extraArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of("-Xmx" + System.getProperty("ledger.appHeap", "512m"), "-jar", jar.toString(), "--server.port=0"));
        command.addAll(List.of(extraArgs));
        ProcessBuilder builder = java(command.toArray(String[]::new));
        builder.environment().putAll(Map.of("MONGODB_URI", mongoUri,
                                            "AXONIQ_UPDATE_CHECKER_DISABLED", "true",
                                            "LOG_FORMAT", ""));
        Instance instance = new Instance(name, launch(builder, name));
        group.add(instance);
        return instance;
    }

    private void awaitReady(Instance instance) throws Exception {
        instance.url = "http://127.0.0.1:" + awaitLogLine(instance.name(), instance.process(), TOMCAT_PORT);
        Instant deadline = Instant.now().plus(STARTUP);
        HttpRequest ready = HttpRequest.newBuilder(URI.create(instance.url() + "/actuator/health/readiness")).build();
        while (Instant.now().isBefore(deadline)) {
            if (!instance.process().isAlive()) {
                throw new IllegalStateException(instance.name() + " died; see " + logs.resolve(instance.name() + ".log"));
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(instance.name() + " was not ready in time; see " + logs.resolve(instance.name() + ".log"));
    }

    private Process launch(ProcessBuilder builder, String name) throws IOException {
        File log = logs.resolve(name + ".log").toFile();
        builder.redirectErrorStream(true).redirectOutput(log);
        Process process = builder.start();
        all.add(process);
        return process;
    }

    private static ProcessBuilder java(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // C1 only by default: the system tests start faster. A benchmark sets ledger.jvmOptions (e.g. empty: full JIT).
        String options = System.getProperty("ledger.jvmOptions", "-XX:TieredStopAtLevel=1").trim();
        if (!options.isEmpty()) {
            command.addAll(List.of(options.split("\\s+")));
        }
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    private static Path jar(String property) {
        Path jar = Path.of(System.getProperty(property, ""));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("No packaged application at '" + jar + "' (" + property
                                                    + "): run the tests through ./mvnw verify");
        }
        return jar;
    }

    @Override
    public void close() {
        for (Process process : all) {
            process.destroy();
        }
        for (Process process : all) {
            try {
                if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
