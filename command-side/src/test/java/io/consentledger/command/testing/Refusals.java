package io.consentledger.command.testing;

import io.consentledger.command.common.LedgerRefusal;
import io.consentledger.contracts.common.RefusalReason;
import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;

public final class Refusals {

    private Refusals() {
    }

    /** Matches a {@link LedgerRefusal} with exactly this reason. */
    public static Matcher<LedgerRefusal> refusal(RefusalReason reason) {
        return new TypeSafeMatcher<>() {
            @Override
            protected boolean matchesSafely(LedgerRefusal item) {
                return item.reason() == reason;
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("a LedgerRefusal for " + reason);
            }

            @Override
            protected void describeMismatchSafely(LedgerRefusal item, Description mismatch) {
                mismatch.appendText("was " + item.reason() + ": " + item.getMessage());
            }
        };
    }
}
