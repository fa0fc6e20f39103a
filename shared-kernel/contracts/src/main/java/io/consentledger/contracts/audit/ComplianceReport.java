package io.consentledger.contracts.audit;

import java.util.List;

/**
 * The answer to "was any data shared outside a consent?".
 *
 * @param sharesChecked          share events checked so far
 * @param checkedThroughPosition the global position of the last event the check has processed
 * @param logHeadPosition        the head of the event log: when it is ahead, the check is still catching up
 */
public record ComplianceReport(boolean compliant, long sharesChecked, long checkedThroughPosition,
                               long logHeadPosition, List<Violation> violations) {
}
