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
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The ledger as it runs in production, on one machine: the embedded store and any number of command-side and
 * query-side instances, each a process of its own, started from the packaged jars. Logs go to
 * {@code deploy/target/system-test-logs}.
 * <p>
 * With {@code CONSENT_LEDGER_TEST_MONGODB_URI} set ({@link ExternalStore}) no store process is started: the
 * applications use that MongoDB, in a database of this run's own, dropped by {@link #close()}. The store cannot be
 * killed or restarted then ({@link #storeIsExternal()}).
 */
public final class LedgerProcesses implements AutoCloseable {

    /**
     * How long a process may take to start. Generous: a start takes about 10 s on an idle machine, but over 120 s was
     * measured on 2 cores shared with other builds (load average above 30). {@code -Dledger.startupSeconds} changes it.
     */
    private static final Duration STARTUP = Duration.ofSeconds(Long.getLong("ledger.startupSeconds", 300));

    private final List<Process> all = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Instance> commandSide = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Instance> querySide = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile String mongoUri;
    private volatile Process store;
    /** Null: the embedded store, a process of this run's own. */
    private final ExternalStore external;
    private final String database;
    private final Path logs;
    private final Path storeFile;
    private final String[] extraArgs;
    private final java.util.Map<String, Integer> starts = new java.util.concurrent.ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();

    /** One running application; its URL is known once it has said which port it bound. */
    public static final class Instance {
        private final String name;
        private final String logName;
        private final Process process;
        private volatile String url;

        Instance(String name, String logName, Process process) {
            this.name = name;
            this.logName = logName;
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

    /** The applications' database on the embedded store (consent-ledger.mongodb.database's default). */
    static final String EMBEDDED_DATABASE = "consent-ledger";

    private LedgerProcesses(Path logs, Path storeFile, ExternalStore external, String[] extraArgs) {
        this.logs = logs;
        this.storeFile = storeFile;
        this.external = external;
        this.database = external == null ? EMBEDDED_DATABASE : external.database();
        this.extraArgs = extraArgs.clone();
    }

    /** The ledger on an in-memory store (or on the external MongoDB, see {@link ExternalStore}). */
    public static LedgerProcesses start(String testName, int commandInstances, int queryInstances, String... extraArgs)
            throws Exception {
        return start(testName, null, commandInstances, queryInstances, extraArgs);
    }

    /**
     * The ledger on a store kept in {@code storeFile} (H2 MVStore, as {@code deploy/local/run.sh} runs it), or in memory
     * when it is null. Every application gets {@code extraArgs}, also when it is restarted. With
     * {@code CONSENT_LEDGER_TEST_MONGODB_URI} set, {@code storeFile} is not used: the ledger runs on that MongoDB.
     */
    public static LedgerProcesses start(String testName, Path storeFile, int commandInstances, int queryInstances,
                                        String... extraArgs) throws Exception {
        Path logs = Path.of(System.getProperty("ledger.logDir", "target/system-test-logs")).resolve(testName);
        Files.createDirectories(logs);
        LedgerProcesses ledger = new LedgerProcesses(logs, storeFile, ExternalStore.fromEnvironment().orElse(null), extraArgs);
        try {
            ledger.startStore();
            List<Instance> starting = new ArrayList<>();
            // ledger.commandFirstAlone=true: command-1 is ready before the others start, so it claims the command
            // side's tracking processors (the encryption A/B's processor holder)
            boolean firstAlone = Boolean.getBoolean("ledger.commandFirstAlone");
            for (int i = 0; i < commandInstances; i++) {
                Instance app = ledger.startApp("command-" + (i + 1), jar("ledger.commandJar"), ledger.commandSide, -1);
                if (i == 0 && firstAlone && commandInstances > 1) {
                    ledger.awaitReady(app);
                } else {
                    starting.add(app);
                }
            }
            for (int i = 0; i < queryInstances; i++) {
                starting.add(ledger.startApp("query-" + (i + 1), jar("ledger.queryJar"), ledger.querySide, -1));
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

    /** True when the ledger runs on the MongoDB named by {@code CONSENT_LEDGER_TEST_MONGODB_URI}: no store process. */
    public boolean storeIsExternal() {
        return external != null;
    }

    /** The store's process id, for jcmd; there is none when the store is external ({@link #storeIsExternal()}). */
    public long storePid() {
        return ownStore("has no process id").pid();
    }

    /** The store's connection string (it changes when the embedded store is restarted). */
    public String mongoUri() {
        return mongoUri;
    }

    /** The applications' database: {@value #EMBEDDED_DATABASE} on the embedded store, the run's own on an external one. */
    public String databaseName() {
        return database;
    }

    public Path logs() {
        return logs;
    }

    /** Kills the process at once, as a crash or the OOM killer would: SIGKILL on Linux, no shutdown hook runs. */
    public static void kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException("Process " + process.pid() + " survived SIGKILL for 30 s");
        }
    }

    /** Kills command-side instance {@code index} with SIGKILL. */
    public void killCommand(int index) throws InterruptedException {
        kill(commandSide.get(index).process());
    }

    /** Kills query-side instance {@code index} with SIGKILL. */
    public void killQuery(int index) throws InterruptedException {
        kill(querySide.get(index).process());
    }

    /** Starts command-side instance {@code index} again (after it was killed) and waits until it is ready. */
    public Instance restartCommand(int index) throws Exception {
        return restart(commandSide, index, "command-" + (index + 1), jar("ledger.commandJar"));
    }

    /** Starts query-side instance {@code index} again (after it was killed) and waits until it is ready. */
    public Instance restartQuery(int index) throws Exception {
        return restart(querySide, index, "query-" + (index + 1), jar("ledger.queryJar"));
    }

    private Instance restart(List<Instance> group, int index, String name, Path jar) throws Exception {
        if (group.get(index).process().isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        Instance instance = startApp(name, jar, group, index);
        awaitReady(instance);
        return instance;
    }

    /** Starts every application that is not running (on the current store), all at once, and waits until all are ready. */
    public void restartStoppedApplications() throws Exception {
        List<Instance> starting = new ArrayList<>();
        for (int i = 0; i < commandSide.size(); i++) {
            if (!commandSide.get(i).process().isAlive()) {
                starting.add(startApp("command-" + (i + 1), jar("ledger.commandJar"), commandSide, i));
            }
        }
        for (int i = 0; i < querySide.size(); i++) {
            if (!querySide.get(i).process().isAlive()) {
                starting.add(startApp("query-" + (i + 1), jar("ledger.queryJar"), querySide, i));
            }
        }
        for (Instance instance : starting) {
            awaitReady(instance);
        }
    }

    /** Kills the store with SIGKILL: what it had not written to its file yet is lost. */
    public void killStore() throws InterruptedException {
        kill(ownStore("cannot be killed"));
    }

    /**
     * Starts the store again on the same file, on a new port; the applications started from now on use it. Those
     * still running keep the old address: restart them.
     */
    public void restartStore() throws Exception {
        if (ownStore("cannot be restarted").isAlive()) {
            throw new IllegalStateException("The store is still running");
        }
        startStore();
    }

    /** Stops a query-side instance the way an orchestrator does: SIGTERM, then wait. */
    void stopQuery(int index) throws InterruptedException {
        Process process = querySide.get(index).process();
        process.destroy();
        process.waitFor();
    }

    private Process ownStore(String what) {
        if (external != null) {
            throw new IllegalStateException("The store is external (" + ExternalStore.URI_VARIABLE + ", " + external.describe()
                                                    + "): it " + what + " here");
        }
        return store;
    }

    private void startStore() throws Exception {
        if (external != null) {
            mongoUri = external.uri();
            String line = Instant.now() + " LedgerProcesses: no embedded store; the applications use the external MongoDB "
                    + external.describe() + (storeFile == null ? "" : " (the store file " + storeFile + " is not used)");
            System.out.println(line);
            Files.writeString(logs.resolve(logName("store") + ".log"), line + System.lineSeparator());
            return;
        }
        // the in-memory store holds every document on its heap: a benchmark storing 100k+ shares sets ledger.storeHeap
        // ledger.storeJvmOptions: the store's own, after ledger.jvmOptions (e.g. another collector: it stands in for
        // MongoDB, which has no garbage collector, and its pauses are not the ledger's)
        List<String> storeCommand = new ArrayList<>(List.of("-Xmx" + System.getProperty("ledger.storeHeap", "512m")));
        Arrays.stream(System.getProperty("ledger.storeJvmOptions", "").trim().split("\\s+"))
              .filter(arg -> !arg.isBlank()).forEach(storeCommand::add);
        storeCommand.addAll(List.of("-cp", jar("ledger.commandJar").toString(),
                                    "-Dloader.main=io.consentledger.eventstore.embedded.EmbeddedStoreLauncher",
                                    "org.springframework.boot.loader.launch.PropertiesLauncher"));
        ProcessBuilder builder = java(storeCommand.toArray(String[]::new));
        builder.environment().putAll(storeFile == null
                ? Map.of("EMBEDDED_MONGO_PORT", "0", "EMBEDDED_MONGO_IN_MEMORY", "true")
                : Map.of("EMBEDDED_MONGO_PORT", "0", "EMBEDDED_MONGO_IN_MEMORY", "false",
                         "EMBEDDED_MONGO_FILE", storeFile.toAbsolutePath().toString()));
        String logName = logName("store");
        Process started = launch(builder, logName);
        store = started;
        mongoUri = awaitLogLine(logName, started, STORE_URI);
    }

    /** The first start of a process logs to {@code name.log}, its restarts to {@code name.2.log}, {@code name.3.log}, … */
    private String logName(String name) {
        int start = starts.merge(name, 1, Integer::sum);
        return start == 1 ? name : name + "." + start;
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

    private Instance startApp(String name, Path jar, List<Instance> group, int replacing) throws Exception {
        List<String> command = new ArrayList<>(List.of("-Xmx" + System.getProperty("ledger.appHeap", "512m")));
        String initialHeap = System.getProperty("ledger.appInitialHeap", "").trim();
        if (!initialHeap.isEmpty()) { // the deployment's containers start with 2/3 of the max heap (docs/deployment.md)
            command.add("-Xms" + initialHeap);
        }
        command.addAll(List.of("-jar", jar.toString(), "--server.port=0"));
        command.addAll(List.of(extraArgs));
        // one instance's own arguments, e.g. -Dledger.args.command-2=--consent-ledger.privacy.encrypt=false (benchmark A/B)
        Arrays.stream(System.getProperty("ledger.args." + name, "").trim().split("\\s+"))
              .filter(arg -> !arg.isBlank()).forEach(command::add);
        ProcessBuilder builder = java(command.toArray(String[]::new));
        builder.environment().putAll(Map.of("AXONIQ_UPDATE_CHECKER_DISABLED", "true", "LOG_FORMAT", ""));
        builder.environment().putAll(storeEnvironment(external, mongoUri));
        String logName = logName(name);
        Instance instance = new Instance(name, logName, launch(builder, logName));
        if (replacing < 0) {
            group.add(instance);
        } else {
            group.set(replacing, instance);
        }
        return instance;
    }

    /**
     * Where an application finds its store: consent-ledger.mongodb.uri and .database, set as the Compose stack and
     * Kubernetes set them. The external MongoDB's connection string as given and the run's own database, or the
     * embedded store's address and {@value #EMBEDDED_DATABASE}.
     */
    static Map<String, String> storeEnvironment(ExternalStore external, String embeddedUri) {
        return external != null ? external.applicationEnvironment()
                : Map.of(ExternalStore.APP_URI_VARIABLE, embeddedUri, ExternalStore.APP_DATABASE_VARIABLE, EMBEDDED_DATABASE);
    }

    private void awaitReady(Instance instance) throws Exception {
        String url = "http://127.0.0.1:" + awaitLogLine(instance.logName, instance.process(), TOMCAT_PORT);
        Instant deadline = Instant.now().plus(STARTUP);
        HttpRequest ready = HttpRequest.newBuilder(URI.create(url + "/actuator/health/readiness"))
                                       .timeout(Duration.ofSeconds(10)).build();
        while (Instant.now().isBefore(deadline)) {
            if (!instance.process().isAlive()) {
                throw new IllegalStateException(instance.name() + " died; see " + logs.resolve(instance.logName + ".log"));
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    instance.url = url;
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(instance.name() + " was not ready in time; see " + logs.resolve(instance.logName + ".log"));
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

    /** Stops every process; on an external store, then drops the run's database (best effort, logged). */
    @Override
    public void close() {
        for (Process process : all) {
            process.destroy();
        }
        for (Process process : all) {
            try {
                if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        if (external != null) {
            external.dropDatabase();
        }
    }
}
