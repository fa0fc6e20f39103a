package io.consentledger.command.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.coyote.AbstractProtocol;
import org.slf4j.LoggerFactory;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one test context's HTTP server logged: the events written on its own Tomcat threads (acceptor, poller and
 * request workers, named {@code http-nio-auto-<n>-…}), where a request and the command it carries are handled.
 * Spring keeps other tests' contexts alive in its cache, and their processors log on their own threads into the same
 * root logger; those are not this server's answer to a request, so a check that "a refusal logs nothing loud" looks
 * at this server's threads only.
 */
public final class ServerLogs implements AutoCloseable {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final String threadPrefix;

    private ServerLogs(String threadPrefix) {
        this.threadPrefix = threadPrefix;
        appender.start();
        root.addAppender(appender);
    }

    /** Starts capturing what the server of {@code context} logs from now on. */
    public static ServerLogs capture(ApplicationContext context) {
        TomcatWebServer server = (TomcatWebServer) ((WebServerApplicationContext) context).getWebServer();
        AbstractProtocol<?> protocol = (AbstractProtocol<?>) server.getTomcat().getConnector().getProtocolHandler();
        // Tomcat names a connector on a random port "http-nio-auto-<index>" and its threads after it
        return new ServerLogs("http-nio-auto-" + protocol.getNameIndex() + "-");
    }

    public void clear() {
        synchronized (appender) { // the appender appends under its own lock, from any thread
            appender.list.clear();
        }
    }

    String threadPrefix() {
        return threadPrefix;
    }

    /** Everything this server's threads logged since the capture started (or was cleared). */
    public List<ILoggingEvent> events() {
        List<ILoggingEvent> all;
        synchronized (appender) {
            all = List.copyOf(appender.list);
        }
        return all.stream().filter(e -> e.getThreadName().startsWith(threadPrefix)).toList();
    }

    /** This server's events at WARN or above, or carrying a stack trace, as "LEVEL logger: message". */
    public List<String> loud() {
        return events().stream()
                   .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN) || e.getThrowableProxy() != null)
                   .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage())
                   .toList();
    }

    public void assertQuiet() {
        assertThat(loud()).as("WARN or stack traces on this server's threads (%s*)", threadPrefix).isEmpty();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
    }
}
