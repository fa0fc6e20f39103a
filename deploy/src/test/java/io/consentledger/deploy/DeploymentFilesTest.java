package io.consentledger.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks the deployment files under {@code deploy/} statically: the build machine has no Docker engine, so nothing
 * here is built or started. Every YAML and JSON file must parse, and the files must agree with each other and with the
 * Maven modules: ports, image names, jar names, environment, replica set members, scrape targets and metric names.
 */
class DeploymentFilesTest {

    /** The two applications, their Maven module and the port each listens on. */
    record App(String name, int port) {
        Path module() {
            return REPO.resolve(name);
        }

        String image() {
            return "consent-ledger/" + name + ":0.1.0";
        }
    }

    static final Path DEPLOY = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    static final Path REPO = DEPLOY.getParent();
    static final Path COMPOSE = DEPLOY.resolve("compose");
    static final Path K8S = DEPLOY.resolve("k8s");
    static final Path DOCKER = DEPLOY.resolve("docker");

    static final List<App> APPS = List.of(new App("command-side", 8081), new App("query-side", 8082));

    static final String REPLICA_SET = "rs0";
    static final String NAMESPACE = "consent-ledger";
    static final String METRICS_PATH = "/actuator/prometheus";
    static final String LIVENESS = "/actuator/health/liveness";
    static final String READINESS = "/actuator/health/readiness";

    /**
     * Metric names (as Prometheus shows them) that the applications publish, or will: Spring Boot's HTTP server
     * metrics, the ledger's own meters (shared-kernel/event-store, and ledger.shares.refused of the command side),
     * axon-micrometer's dimensional command bus and event processor meters, and Prometheus' own {@code up}.
     */
    static final Set<String> KNOWN_METRICS = Set.of(
            "up",
            "http_server_requests_seconds_count", "http_server_requests_seconds_sum",
            "http_server_requests_seconds_bucket", "http_server_requests_seconds_max",
            "ledger_eventstore_append_seconds_count", "ledger_eventstore_append_seconds_sum",
            "ledger_eventstore_append_seconds_bucket", "ledger_eventstore_append_seconds_max",
            "ledger_eventstore_append_events_count", "ledger_eventstore_append_events_sum",
            "ledger_eventstore_append_attempts_count", "ledger_eventstore_append_attempts_sum",
            "ledger_processor_lag_events",
            "ledger_shares_refused_total",
            "commandBus_allTimer_seconds_count", "commandBus_successTimer_seconds_count",
            "commandBus_failureTimer_seconds_count", "commandBus_ignoredTimer_seconds_count",
            "commandBus_allTimer_seconds", "commandBus_successCounter_total", "commandBus_failureCounter_total",
            "eventProcessor_latency");

    /** Each of these must be on the dashboard: the panels the operators asked for. */
    static final Set<String> REQUIRED_METRICS = Set.of(
            "commandBus_allTimer_seconds_count", "http_server_requests_seconds_count",
            "http_server_requests_seconds_bucket", "ledger_eventstore_append_seconds_bucket",
            "ledger_processor_lag_events", "eventProcessor_latency", "ledger_shares_refused_total");

    static final Set<String> PROMQL_WORDS = Set.of(
            "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "group",
            "count_values", "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
            "bool", "offset", "rate", "irate", "increase", "delta", "idelta", "deriv", "histogram_quantile",
            "abs", "ceil", "floor", "round", "clamp", "clamp_min", "clamp_max", "vector", "scalar", "time",
            "label_replace", "label_join", "sort", "sort_desc", "absent", "absent_over_time", "changes", "resets",
            "avg_over_time", "min_over_time", "max_over_time", "sum_over_time", "count_over_time",
            "last_over_time", "quantile_over_time", "predict_linear", "exp", "ln", "log2", "log10", "sqrt");

    // ---------------------------------------------------------------- every file parses

    @Test
    void everyYamlAndJsonFileUnderDeployParses() throws IOException {
        List<Path> yaml = deployFiles(".yaml", ".yml");
        List<Path> json = deployFiles(".json");
        assertThat(yaml).as("YAML files under deploy/").hasSizeGreaterThanOrEqualTo(10);
        assertThat(json).as("JSON files under deploy/").isNotEmpty();
        for (Path file : yaml) {
            List<Object> documents = yamlDocuments(file);
            assertThat(documents).as("documents in %s", DEPLOY.relativize(file)).isNotEmpty()
                                 .allSatisfy(d -> assertThat(d).as("a document of %s", file).isInstanceOf(Map.class));
        }
        for (Path file : json) {
            assertThat(new ObjectMapper().readTree(file.toFile()).isObject()).as("%s is a JSON object", file).isTrue();
        }
    }

    // ---------------------------------------------------------------- Maven modules and Dockerfiles

    @Test
    void appPortsAreTheOnesTheApplicationsListenOn() throws IOException {
        for (App app : APPS) {
            assertThat(applicationPort(app)).as("server.port of %s/src/main/resources/application.yml", app.name())
                                            .isEqualTo(app.port());
        }
    }

    @Test
    void dockerfilesCopyTheJarMavenBuildsExposeThePortAndRunAsNonRoot() throws Exception {
        for (App app : APPS) {
            Path dockerfile = DOCKER.resolve(app.name() + ".Dockerfile");
            List<String> lines = dockerfileInstructions(dockerfile);
            String jar = app.name() + "/target/" + artifactId(app.module().resolve("pom.xml")) + "-"
                         + projectVersion() + ".jar";

            assertThat(instructions(lines, "EXPOSE")).as("EXPOSE of %s", dockerfile).containsExactly(String.valueOf(app.port()));
            assertThat(instructions(lines, "ARG")).as("the jar %s builds", app.name()).contains("JAR_FILE=" + jar);
            assertThat(Files.exists(REPO.resolve(app.name()).resolve("pom.xml"))).isTrue();
            assertThat(instructions(lines, "FROM")).as("base images").isNotEmpty()
                                                   .allSatisfy(f -> assertThat(f).startsWith("${BASE_IMAGE}"));
            assertThat(instructions(lines, "ARG")).contains("BASE_IMAGE=eclipse-temurin:17-jre");
            assertThat(String.join("\n", lines))
                    .contains("-Djarmode=tools -jar app.jar extract --layers --launcher")
                    .contains("org.springframework.boot.loader.launch.JarLauncher");

            String env = String.join(" ", instructions(lines, "ENV"));
            assertThat(env).contains("AXONIQ_UPDATE_CHECKER_DISABLED=true")
                           .contains("SERVER_PORT=" + app.port())
                           .contains("-XX:MaxRAMPercentage=75");

            List<String> users = instructions(lines, "USER");
            assertThat(users).as("USER of %s", dockerfile).hasSize(1);
            assertThat(users.get(0)).as("a numeric, non-root user").matches("[1-9][0-9]*(:[0-9]+)?");
            assertThat(dockerUid(app)).isNotZero();

            // The build context is the repository root; its .dockerignore lets the jar through and nothing else.
            List<String> ignore = lines(DOCKER.resolve(app.name() + ".Dockerfile.dockerignore"));
            assertThat(ignore).contains("*", "!" + jar);
        }
    }

    // ---------------------------------------------------------------- Compose

    @Test
    void composeAppServicesAgreeOnImagePortsAndEnvironment() throws IOException {
        Map<String, Object> services = map(compose().get("services"));
        Set<String> mongo = mongoServices(services);
        for (App app : APPS) {
            Map<String, Map<String, Object>> instances = appServices(services, app);
            assertThat(instances).as("compose services of %s", app.name()).hasSize(2);
            for (var instance : instances.entrySet()) {
                String name = instance.getKey();
                Map<String, Object> service = instance.getValue();
                assertThat(service.get("image")).as("image of %s", name).isEqualTo(app.image());

                Map<String, Object> build = map(service.get("build"));
                Path context = COMPOSE.resolve(String.valueOf(build.get("context"))).normalize();
                assertThat(context).as("build context of %s is the repository root", name).isEqualTo(REPO);
                assertThat(context.resolve(String.valueOf(build.get("dockerfile"))))
                        .as("Dockerfile of %s", name).isEqualTo(DOCKER.resolve(app.name() + ".Dockerfile"));

                Map<String, String> env = environment(service.get("environment"));
                assertThat(env).as("environment of %s", name)
                               .containsEntry("AXONIQ_UPDATE_CHECKER_DISABLED", "true")
                               .containsEntry("SERVER_PORT", String.valueOf(app.port()))
                               .containsKey("MONGODB_URI");
                assertMongoUri(env.get("MONGODB_URI"), mongo.stream().map(m -> m + ":27017").collect(Collectors.toSet()));

                assertThat(containerPorts(service.get("ports"))).as("container ports of %s", name).containsExactly(app.port());
                assertThat(list(service.get("expose")).stream().map(String::valueOf).toList())
                        .as("expose of %s", name).containsExactly(String.valueOf(app.port()));
                assertThat(String.valueOf(service.get("healthcheck")))
                        .as("healthcheck of %s", name).contains("/dev/tcp/127.0.0.1/" + app.port() + " ").contains(READINESS);
                assertThat(map(service.get("depends_on"))).as("%s waits for the replica set", name).containsKey("mongo-init");
            }
        }
    }

    @Test
    void replicaSetInitListsExactlyTheThreeMongoServices() throws IOException {
        Map<String, Object> services = map(compose().get("services"));
        Set<String> mongo = mongoServices(services);
        assertThat(mongo).as("mongod services with --replSet " + REPLICA_SET).hasSize(3);
        for (String name : mongo) {
            assertThat(String.valueOf(map(services.get(name)).get("image"))).matches("mongo:[78](\\.[0-9]+)*");
            assertThat(map(services.get(name))).as("healthcheck of %s", name).containsKey("healthcheck");
        }

        Map<String, Object> init = map(services.get("mongo-init"));
        String script = String.join(" ", list(init.get("command")).stream().map(String::valueOf).toList());
        assertThat(script).contains("rs.initiate(").contains("_id: '" + REPLICA_SET + "'");
        Set<String> hosts = new TreeSet<>();
        Matcher matcher = Pattern.compile("host:\\s*'([^']+)'").matcher(script);
        while (matcher.find()) {
            hosts.add(matcher.group(1));
        }
        assertThat(hosts).as("members of rs.initiate").isEqualTo(new TreeSet<>(
                mongo.stream().map(m -> m + ":27017").toList()));
        assertThat(map(init.get("depends_on")).keySet()).as("mongo-init waits for").isEqualTo(mongo);
    }

    @Test
    void prometheusScrapesExactlyTheComposeAppServices() throws IOException {
        Map<String, Object> services = map(compose().get("services"));
        Set<String> expected = new TreeSet<>();
        for (App app : APPS) {
            appServices(services, app).keySet().forEach(name -> expected.add(name + ":" + app.port()));
        }

        Map<String, Object> prometheus = yaml(COMPOSE.resolve("prometheus/prometheus.yml"));
        Set<String> scraped = new TreeSet<>();
        for (Object job : list(prometheus.get("scrape_configs"))) {
            Map<String, Object> config = map(job);
            if (!METRICS_PATH.equals(config.get("metrics_path"))) {
                continue;
            }
            for (Object staticConfig : list(config.get("static_configs"))) {
                list(map(staticConfig).get("targets")).forEach(t -> scraped.add(String.valueOf(t)));
            }
            // the metrics endpoint needs an OPERATOR: every scrape of it sends a credential from a mounted file
            Map<String, Object> authorization = map(config.get("authorization"));
            assertThat(authorization.get("type")).as(config.get("job_name") + " authorization type").isIn("ApiKey", "Bearer");
            String credentials = String.valueOf(authorization.get("credentials_file"));
            String source = volumeSource(map(services.get("prometheus")), credentials);
            assertThat(source).as("credentials file " + credentials + " is mounted").isNotNull();
            assertThat(Files.readString(COMPOSE.resolve(source)).strip()).as("operator key").isNotEmpty();
        }
        assertThat(scraped).as("targets scraped on " + METRICS_PATH).isEqualTo(expected);

        String mount = volumeTarget(map(services.get("prometheus")), "./prometheus/prometheus.yml");
        assertThat(mount).isEqualTo("/etc/prometheus/prometheus.yml");
        assertThat(String.valueOf(map(services.get("prometheus")).get("command"))).contains("--config.file=" + mount);
    }

    @Test
    void grafanaIsProvisionedWithTheDatasourceAndDashboardItsFilesName() throws IOException {
        Map<String, Object> grafana = map(map(compose().get("services")).get("grafana"));
        String provisioning = volumeTarget(grafana, "./grafana/provisioning");
        String dashboards = volumeTarget(grafana, "./grafana/dashboards");
        assertThat(provisioning).isEqualTo("/etc/grafana/provisioning");

        Path provisioningDir = COMPOSE.resolve("grafana/provisioning");
        Map<String, Object> datasource = map(list(yaml(provisioningDir.resolve("datasources/prometheus.yaml"))
                                                          .get("datasources")).get(0));
        assertThat(datasource.get("type")).isEqualTo("prometheus");
        assertThat(datasource.get("url")).isEqualTo("http://prometheus:9090");

        Map<String, Object> provider = map(list(yaml(provisioningDir.resolve("dashboards/consent-ledger.yaml"))
                                                        .get("providers")).get(0));
        assertThat(map(provider.get("options")).get("path")).as("dashboard provider path").isEqualTo(dashboards);

        JsonNode dashboard = dashboard();
        Set<String> uids = new TreeSet<>();
        dashboard.findValues("datasource").forEach(ds -> uids.add(ds.path("uid").asText()));
        assertThat(uids).as("datasources the dashboard uses").containsExactly(String.valueOf(datasource.get("uid")));
    }

    @Test
    void dashboardPanelsQueryOnlyKnownMetrics() throws IOException {
        Set<String> used = new TreeSet<>();
        int queries = 0;
        for (JsonNode panel : dashboard().path("panels")) {
            if ("row".equals(panel.path("type").asText())) {
                continue;
            }
            assertThat(panel.path("targets").size()).as("queries of panel %s", panel.path("title")).isPositive();
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                Set<String> names = metricNames(expr);
                assertThat(names).as("metrics in %s", expr).isNotEmpty();
                assertThat(KNOWN_METRICS).as("known metrics, for %s", expr).containsAll(names);
                used.addAll(names);
                queries++;
            }
        }
        assertThat(queries).isGreaterThanOrEqualTo(10);
        assertThat(used).as("metrics on the dashboard").containsAll(REQUIRED_METRICS);
        assertThat(dashboard().toString()).contains("status=~\\\"4..\\\"").contains("status=~\\\"5..\\\"");
    }

    @Test
    void metricNameExtractionSeesThroughLabelsRangesAndGrouping() {
        assertThat(metricNames("histogram_quantile(0.99, sum by (le, job) (rate(foo_bucket{job=\"a\", uri!~\"/x.*\"}[$__rate_interval])))"))
                .containsExactly("foo_bucket");
        assertThat(metricNames("sum(rate(a_sum[5m])) - sum(rate(b_count[5m])) or up{job=~\"x|y\"}"))
                .containsExactly("a_sum", "b_count", "up");
    }

    // ---------------------------------------------------------------- Kubernetes

    @Test
    void kustomizationListsEveryManifestAndEverythingIsInTheNamespace() throws IOException {
        Map<String, Object> kustomization = yaml(K8S.resolve("kustomization.yaml"));
        Set<String> listed = new TreeSet<>(list(kustomization.get("resources")).stream().map(String::valueOf).toList());
        Set<String> present;
        try (Stream<Path> files = Files.list(K8S)) {
            present = files.map(p -> p.getFileName().toString())
                           .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
                           .collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(listed).isEqualTo(present);
        assertThat(kustomization.get("namespace")).isEqualTo(NAMESPACE);

        for (Map<String, Object> resource : k8s()) {
            Map<String, Object> metadata = map(resource.get("metadata"));
            if ("Namespace".equals(resource.get("kind"))) {
                assertThat(metadata.get("name")).isEqualTo(NAMESPACE);
            } else {
                assertThat(metadata.get("namespace")).as("namespace of %s %s", resource.get("kind"), metadata.get("name"))
                                                     .isEqualTo(NAMESPACE);
            }
        }
        assertThat(kinds()).containsExactlyInAnyOrder("Namespace", "ConfigMap", "Secret", "Secret", "Deployment",
                                                      "Deployment", "Service", "Service", "PodDisruptionBudget",
                                                      "PodDisruptionBudget");
    }

    /**
     * The containers' file systems are read-only, so developer mode cannot generate the keys: both applications get
     * the same privacy master key from a Secret (issue 16), the query side the log's signer key (issue 11); Compose
     * refuses to start without them.
     */
    @Test
    void theKeysComeFromSecretsAndComposeRequiresThem() throws IOException {
        String command = Files.readString(K8S.resolve("command-side.yaml"));
        String query = Files.readString(K8S.resolve("query-side.yaml"));
        String secrets = Files.readString(K8S.resolve("secret.yaml"));
        assertThat(secrets).contains("name: consent-ledger-keys", "CONSENT_LEDGER_PRIVACY_MASTER_KEY:", "LOG_SIGNING_KEY:");
        assertThat(command).contains("- name: CONSENT_LEDGER_PRIVACY_MASTER_KEY", "name: consent-ledger-keys")
                           .doesNotContain("LOG_SIGNING_KEY");
        assertThat(query).contains("- name: CONSENT_LEDGER_PRIVACY_MASTER_KEY", "- name: LOG_SIGNING_KEY",
                                   "name: consent-ledger-keys");
        String compose = Files.readString(K8S.resolveSibling("compose").resolve("compose.yaml"));
        assertThat(compose).contains("CONSENT_LEDGER_PRIVACY_MASTER_KEY: \"${CONSENT_LEDGER_PRIVACY_MASTER_KEY:?",
                                     "LOG_SIGNING_KEY: \"${LOG_SIGNING_KEY:?");
    }

    @Test
    void secretIsAMarkedPlaceholderWithTheMongoUri() throws IOException {
        Map<String, Object> secret = one("Secret", "consent-ledger-mongodb");
        assertThat(map(map(secret.get("metadata")).get("annotations"))).containsEntry("consent-ledger.io/placeholder", "true");
        assertThat(Files.readString(K8S.resolve("secret.yaml"))).contains("PLACEHOLDER");
        Map<String, String> data = strings(secret.get("stringData"));
        assertThat(data.get("MONGODB_URI")).contains("REPLACE_ME").contains(".invalid");
        assertMongoUri(data.get("MONGODB_URI"), null);
    }

    @Test
    void deploymentsAgreeWithServicesProbesImagesConfigAndTheDockerfiles() throws Exception {
        Map<String, Object> compose = map(compose().get("services"));
        for (App app : APPS) {
            Map<String, Object> deployment = one("Deployment", app.name());
            Map<String, Object> spec = map(deployment.get("spec"));
            assertThat(spec.get("replicas")).as("replicas of %s", app.name()).isEqualTo(2);
            Map<String, Object> template = map(spec.get("template"));
            Map<String, String> podLabels = strings(map(template.get("metadata")).get("labels"));
            assertThat(podLabels).containsAllEntriesOf(strings(map(spec.get("selector")).get("matchLabels")));

            Map<String, Object> podSpec = map(template.get("spec"));
            Map<String, Object> podSecurity = map(podSpec.get("securityContext"));
            assertThat(podSecurity).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", dockerUid(app));

            List<Object> containers = list(podSpec.get("containers"));
            assertThat(containers).hasSize(1);
            Map<String, Object> container = map(containers.get(0));

            // Image: the one compose builds.
            assertThat(container.get("image")).isEqualTo(app.image());
            appServices(compose, app).values().forEach(s -> assertThat(s.get("image")).isEqualTo(container.get("image")));

            // Ports: container, SERVER_PORT, Service, probes.
            Map<String, Integer> ports = new LinkedHashMap<>();
            list(container.get("ports")).forEach(p -> ports.put(String.valueOf(map(p).get("name")),
                                                                (Integer) map(p).get("containerPort")));
            assertThat(ports.values()).as("container ports of %s", app.name()).containsExactly(app.port());
            Map<String, Object> literalEnv = new LinkedHashMap<>();
            for (Object e : list(container.get("env"))) {
                if (map(e).containsKey("value")) {
                    literalEnv.put(String.valueOf(map(e).get("name")), map(e).get("value"));
                }
            }
            assertThat(literalEnv).containsEntry("SERVER_PORT", String.valueOf(app.port()));

            Map<String, Object> service = one("Service", app.name());
            Map<String, Object> serviceSpec = map(service.get("spec"));
            assertThat(serviceSpec.get("type")).isEqualTo("ClusterIP");
            assertThat(podLabels).containsAllEntriesOf(strings(serviceSpec.get("selector")));
            for (Object p : list(serviceSpec.get("ports"))) {
                assertThat(resolvePort(map(p).get("targetPort"), ports)).as("targetPort of Service %s", app.name())
                                                                       .isEqualTo(app.port());
                assertThat(map(p).get("port")).isEqualTo(app.port());
            }

            Map<String, Object> pdb = one("PodDisruptionBudget", app.name());
            assertThat(podLabels).containsAllEntriesOf(strings(map(map(pdb.get("spec")).get("selector")).get("matchLabels")));

            Map<String, String> probePaths = Map.of("startupProbe", LIVENESS, "livenessProbe", LIVENESS,
                                                    "readinessProbe", READINESS);
            for (var probe : probePaths.entrySet()) {
                Map<String, Object> httpGet = map(map(container.get(probe.getKey())).get("httpGet"));
                assertThat(httpGet.get("path")).as("%s path of %s", probe.getKey(), app.name()).isEqualTo(probe.getValue());
                assertThat(resolvePort(httpGet.get("port"), ports)).as("%s port of %s", probe.getKey(), app.name())
                                                                  .isEqualTo(app.port());
            }
            assertThat(strings(map(template.get("metadata")).get("annotations")))
                    .containsEntry("prometheus.io/port", String.valueOf(app.port()))
                    .containsEntry("prometheus.io/path", METRICS_PATH);

            // Resources.
            Map<String, Object> resources = map(container.get("resources"));
            assertThat(map(resources.get("requests"))).as("requests of %s", app.name()).containsKeys("cpu", "memory");
            assertThat(map(resources.get("limits"))).as("limits of %s", app.name()).containsKeys("cpu", "memory");

            // Security: non-root, read-only root filesystem, an emptyDir on /tmp.
            Map<String, Object> security = map(container.get("securityContext"));
            assertThat(security).containsEntry("readOnlyRootFilesystem", true).containsEntry("allowPrivilegeEscalation", false);
            String tmpVolume = list(container.get("volumeMounts")).stream().map(DeploymentFilesTest::map)
                                                                  .filter(m -> "/tmp".equals(m.get("mountPath")))
                                                                  .map(m -> String.valueOf(m.get("name")))
                                                                  .findFirst().orElseThrow();
            assertThat(list(podSpec.get("volumes")).stream().map(DeploymentFilesTest::map)
                                                   .filter(v -> tmpVolume.equals(v.get("name"))))
                    .singleElement().satisfies(v -> assertThat(v).containsKey("emptyDir"));

            // Environment: every ConfigMap or Secret it refers to exists, with the keys it names.
            Map<String, String> effective = new LinkedHashMap<>();
            for (Object from : list(container.get("envFrom"))) {
                Map<String, Object> source = map(from);
                if (source.containsKey("configMapRef")) {
                    effective.putAll(data("ConfigMap", String.valueOf(map(source.get("configMapRef")).get("name"))));
                }
                if (source.containsKey("secretRef")) {
                    effective.putAll(data("Secret", String.valueOf(map(source.get("secretRef")).get("name"))));
                }
            }
            for (Object e : list(container.get("env"))) {
                Map<String, Object> var = map(e);
                String name = String.valueOf(var.get("name"));
                if (var.containsKey("value")) {
                    effective.put(name, String.valueOf(var.get("value")));
                    continue;
                }
                Map<String, Object> valueFrom = map(var.get("valueFrom"));
                String kind = valueFrom.containsKey("secretKeyRef") ? "Secret" : "ConfigMap";
                Map<String, Object> ref = map(valueFrom.getOrDefault("secretKeyRef", valueFrom.get("configMapKeyRef")));
                Map<String, String> source = data(kind, String.valueOf(ref.get("name")));
                assertThat(source).as("%s %s, referred to by %s of %s", kind, ref.get("name"), name, app.name())
                                  .containsKey(String.valueOf(ref.get("key")));
                effective.put(name, source.get(String.valueOf(ref.get("key"))));
            }
            assertThat(effective).as("environment of %s", app.name())
                                 .containsEntry("AXONIQ_UPDATE_CHECKER_DISABLED", "true")
                                 .containsKey("MONGODB_URI");
            assertThat(effective.get("JAVA_TOOL_OPTIONS")).contains("-XX:MaxRAMPercentage=75");
        }
    }

    // ---------------------------------------------------------------- helpers: files

    static List<Path> deployFiles(String... suffixes) throws IOException {
        try (Stream<Path> files = Files.walk(DEPLOY)) {
            return files.filter(Files::isRegularFile)
                        .filter(p -> !DEPLOY.relativize(p).startsWith("target"))
                        .filter(p -> Stream.of(suffixes).anyMatch(s -> p.getFileName().toString().endsWith(s)))
                        .sorted()
                        .toList();
        }
    }

    static List<Object> yamlDocuments(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            List<Object> documents = new ArrayList<>();
            for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(reader)) {
                if (document != null) {
                    documents.add(document);
                }
            }
            return documents;
        }
    }

    static Map<String, Object> yaml(Path file) throws IOException {
        List<Object> documents = yamlDocuments(file);
        assertThat(documents).as("documents in %s", file).hasSize(1);
        return map(documents.get(0));
    }

    static Map<String, Object> compose() throws IOException {
        return yaml(COMPOSE.resolve("compose.yaml"));
    }

    static JsonNode dashboard() throws IOException {
        return new ObjectMapper().readTree(COMPOSE.resolve("grafana/dashboards/consent-ledger.json").toFile());
    }

    static List<Map<String, Object>> k8s() throws IOException {
        List<Map<String, Object>> resources = new ArrayList<>();
        for (Object file : list(yaml(K8S.resolve("kustomization.yaml")).get("resources"))) {
            yamlDocuments(K8S.resolve(String.valueOf(file))).forEach(d -> resources.add(map(d)));
        }
        return resources;
    }

    static List<String> kinds() throws IOException {
        return k8s().stream().map(r -> String.valueOf(r.get("kind"))).toList();
    }

    static Map<String, Object> one(String kind, String name) throws IOException {
        List<Map<String, Object>> found = k8s().stream()
                                               .filter(r -> kind.equals(r.get("kind")))
                                               .filter(r -> name.equals(map(r.get("metadata")).get("name")))
                                               .toList();
        assertThat(found).as("%s %s in deploy/k8s", kind, name).hasSize(1);
        return found.get(0);
    }

    static Map<String, String> data(String kind, String name) throws IOException {
        Map<String, Object> resource = one(kind, name);
        Map<String, String> data = new LinkedHashMap<>(strings(resource.get("data")));
        data.putAll(strings(resource.get("stringData")));
        return data;
    }

    static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    /** Dockerfile instructions, one per string, continuation lines joined and comments dropped. */
    static List<String> dockerfileInstructions(Path file) throws IOException {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
            String stripped = line.strip();
            if (stripped.startsWith("#") || stripped.isEmpty()) {
                continue;
            }
            if (stripped.endsWith("\\")) {
                current.append(stripped, 0, stripped.length() - 1).append(' ');
            } else {
                instructions.add(current.append(stripped).toString().replaceAll("\\s+", " "));
                current.setLength(0);
            }
        }
        return instructions;
    }

    static List<String> instructions(List<String> lines, String keyword) {
        return lines.stream().filter(l -> l.toUpperCase().startsWith(keyword + " "))
                    .map(l -> l.substring(keyword.length() + 1).strip()).toList();
    }

    static int dockerUid(App app) throws IOException {
        String user = instructions(dockerfileInstructions(DOCKER.resolve(app.name() + ".Dockerfile")), "USER").get(0);
        return Integer.parseInt(user.split(":")[0]);
    }

    static int applicationPort(App app) throws IOException {
        Map<String, Object> config = yaml(app.module().resolve("src/main/resources/application.yml"));
        String port = String.valueOf(map(config.get("server")).get("port"));
        Matcher placeholder = Pattern.compile("\\$\\{[^:}]+:(\\d+)}").matcher(port);
        return Integer.parseInt(placeholder.matches() ? placeholder.group(1) : port);
    }

    static String artifactId(Path pom) throws Exception {
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        return childText(document.getDocumentElement(), "artifactId");
    }

    static String projectVersion() throws Exception {
        Element root = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                                             .parse(REPO.resolve("pom.xml").toFile()).getDocumentElement();
        return childText(root, "version");
    }

    static String childText(Element element, String name) {
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().strip();
            }
        }
        return fail("no <%s> in <%s>", name, element.getTagName());
    }

    // ---------------------------------------------------------------- helpers: compose

    /** Services built from the app's Dockerfile. */
    static Map<String, Map<String, Object>> appServices(Map<String, Object> services, App app) {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        services.forEach((name, service) -> {
            Object build = map(service).get("build");
            if (build != null && String.valueOf(map(build).get("dockerfile")).endsWith("/" + app.name() + ".Dockerfile")) {
                found.put(name, map(service));
            }
        });
        return found;
    }

    /** Services that run mongod as a member of the replica set. */
    static Set<String> mongoServices(Map<String, Object> services) {
        Set<String> found = new TreeSet<>();
        services.forEach((name, service) -> {
            List<String> command = list(map(service).get("command")).stream().map(String::valueOf).toList();
            int replSet = command.indexOf("--replSet");
            if (!command.isEmpty() && command.get(0).equals("mongod") && replSet >= 0) {
                assertThat(command.get(replSet + 1)).as("replica set of %s", name).isEqualTo(REPLICA_SET);
                found.add(name);
            }
        });
        return found;
    }

    static Map<String, String> environment(Object environment) {
        if (environment instanceof List<?> entries) {
            Map<String, String> env = new LinkedHashMap<>();
            entries.forEach(e -> {
                String[] kv = String.valueOf(e).split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : null);
            });
            return env;
        }
        return strings(environment);
    }

    static List<Integer> containerPorts(Object ports) {
        List<Integer> found = new ArrayList<>();
        for (Object port : list(ports)) {
            if (port instanceof Map<?, ?> longSyntax) {
                found.add(Integer.parseInt(String.valueOf(longSyntax.get("target"))));
            } else {
                String[] parts = String.valueOf(port).split("/")[0].split(":");
                found.add(Integer.parseInt(parts[parts.length - 1]));
            }
        }
        return found;
    }

    static String volumeTarget(Map<String, Object> service, String source) {
        for (Object volume : list(service.get("volumes"))) {
            String[] parts = String.valueOf(volume).split(":");
            if (parts[0].equals(source)) {
                assertThat(COMPOSE.resolve(source)).as("mounted %s", source).exists();
                return parts[1];
            }
        }
        return fail("%s is not mounted", source);
    }

    /** A replica-set URI with majority, journaled writes; when hosts is given, exactly those hosts. */
    static void assertMongoUri(String uri, Set<String> hosts) {
        assertThat(uri).startsWith("mongodb://");
        String afterScheme = uri.substring("mongodb://".length());
        String hostList = afterScheme.split("/", 2)[0];
        hostList = hostList.substring(hostList.lastIndexOf('@') + 1);
        Set<String> options = new LinkedHashSet<>(List.of(afterScheme.split("\\?", 2)[1].split("&")));
        assertThat(options).as("options of %s", uri).contains("replicaSet=" + REPLICA_SET, "w=majority", "journal=true");
        Set<String> uriHosts = new TreeSet<>(List.of(hostList.split(",")));
        assertThat(uriHosts).as("hosts of %s", uri).hasSize(3);
        if (hosts != null) {
            assertThat(uriHosts).as("hosts of %s", uri).isEqualTo(new TreeSet<>(hosts));
        }
    }

    // ---------------------------------------------------------------- helpers: k8s and PromQL

    static int resolvePort(Object port, Map<String, Integer> containerPorts) {
        if (port instanceof Integer number) {
            return number;
        }
        Integer named = containerPorts.get(String.valueOf(port));
        assertThat(named).as("container port named %s", port).isNotNull();
        return named;
    }

    /** The metric names a PromQL expression selects: identifiers outside label matchers, ranges and groupings. */
    static Set<String> metricNames(String expr) {
        String stripped = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                              .replaceAll("\\{[^}]*}", " ")
                              .replaceAll("\\[[^]]*]", " ")
                              .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new TreeSet<>();
        Matcher identifier = Pattern.compile("(?<![\\w.])[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(stripped);
        while (identifier.find()) {
            if (!PROMQL_WORDS.contains(identifier.group())) {
                names.add(identifier.group());
            }
        }
        return names;
    }

    // ---------------------------------------------------------------- helpers: untyped YAML

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        if (value == null) {
            return Map.of();
        }
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        if (value == null) {
            return List.of();
        }
        assertThat(value).isInstanceOf(List.class);
        return (List<Object>) value;
    }

    static Map<String, String> strings(Object value) {
        Map<String, String> strings = new LinkedHashMap<>();
        map(value).forEach((k, v) -> strings.put(k, v == null ? null : String.valueOf(v)));
        return strings;
    }

    /** The host path mounted at {@code target} (read-only bind), or null. */
    private static String volumeSource(Map<String, Object> service, String target) {
        for (Object volume : list(service.get("volumes"))) {
            String[] parts = String.valueOf(volume).split(":");
            if (parts.length >= 2 && parts[1].equals(target)) {
                return parts[0];
            }
        }
        return null;
    }
}
