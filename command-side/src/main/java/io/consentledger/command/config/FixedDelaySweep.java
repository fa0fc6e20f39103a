package io.consentledger.command.config;

import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

import java.time.Duration;

/** Runs a sweep (expiry, erasure) on a fixed delay, first after an initial delay, on Spring's scheduler. */
public class FixedDelaySweep implements SchedulingConfigurer {

    private final Runnable sweep;
    private final Duration interval;
    private final Duration initialDelay;

    public FixedDelaySweep(Runnable sweep, Duration interval, Duration initialDelay) {
        this.sweep = sweep;
        this.interval = interval;
        this.initialDelay = initialDelay;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(new FixedDelayTask(sweep, interval, initialDelay));
    }
}
