package io.consentledger.command.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** The quiet-refusal checks rest on {@link ServerLogs} seeing this server's request threads, and only them. */
class ServerLogsTest extends HttpTestSupport {

    private static final Logger DISPATCHER =
            (Logger) LoggerFactory.getLogger("org.springframework.web.servlet.DispatcherServlet");

    @Autowired
    private ApplicationContext context;
    private ServerLogs logs;
    private Level dispatcherLevel;

    @BeforeEach
    void capture() {
        logs = ServerLogs.capture(context);
        dispatcherLevel = DISPATCHER.getLevel();
    }

    @AfterEach
    void release() {
        DISPATCHER.setLevel(dispatcherLevel);
        logs.close();
    }

    @Test
    void seesWhatARequestLogsOnThisServersThreads() {
        DISPATCHER.setLevel(Level.DEBUG);

        int status = post("/api/v1/links/" + id("unknown") + "/unlink", "{}").status();

        assertThat(status).isBetween(400, 499);
        assertThat(logs.events()).as("the request's own log lines, written on this server's worker thread")
                                 .anySatisfy(e -> assertThat(e.getLoggerName()).isEqualTo(DISPATCHER.getName()));
        assertThat(logs.loud()).isEmpty();
    }

    @Test
    void countsAWarningOnThisServersThreadsAndIgnoresOtherThreads() throws InterruptedException {
        warnOn(logs.threadPrefix() + "exec-test", "on this server");
        warnOn("http-nio-auto-99999-exec-1", "on another test context's server");
        warnOn("EventProcessor[notifications]-0", "on another context's processor");

        assertThat(logs.loud()).containsExactly("WARN " + ServerLogsTest.class.getName() + ": on this server");
    }

    private static void warnOn(String threadName, String message) throws InterruptedException {
        Thread thread = new Thread(() -> LoggerFactory.getLogger(ServerLogsTest.class).warn(message), threadName);
        thread.start();
        thread.join();
    }
}
