package io.consentledger.query.log;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** For operators: the positions whose stored event no longer matches the tree, as the integrity monitor found them. */
@RestController
@RequestMapping("/api/v1/operator")
public class IntegrityController {

    private final IntegrityMonitor monitor;

    public IntegrityController(IntegrityMonitor monitor) {
        this.monitor = monitor;
    }

    @GetMapping("/integrity")
    public IntegrityMonitor.Report integrity() {
        return monitor.report();
    }
}
