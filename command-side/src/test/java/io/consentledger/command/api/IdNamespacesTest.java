package io.consentledger.command.api;

import io.consentledger.command.api.problem.InvalidRequest;
import io.consentledger.command.common.Forbidden;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 14, finding 11: client-chosen ids of links and consents and the callers' namespaces. */
class IdNamespacesTest {

    private final IdNamespaces open = new IdNamespaces(false);
    private final IdNamespaces required = new IdNamespaces(true);

    @Test
    void anIdInOnesOwnNamespaceIsAlwaysAccepted() {
        assertThat(open.check("bank-1:link-1", "bank-1", "linkId")).isEqualTo("bank-1:link-1");
        assertThat(required.check("bank-1:link-1", "bank-1", "linkId")).isEqualTo("bank-1:link-1");
        assertThat(required.check("a:b:link", "a:b", "linkId")).isEqualTo("a:b:link");
    }

    @Test
    void anIdInAnotherNamespaceIsForbidden() {
        assertThatThrownBy(() -> open.check("bank-2:link-1", "bank-1", "linkId")).isInstanceOf(Forbidden.class);
        assertThatThrownBy(() -> open.check("bank-1x:link-1", "bank-1", "linkId")).isInstanceOf(Forbidden.class);
        assertThatThrownBy(() -> required.check("messenger:c", "bank-1", "consentId")).isInstanceOf(Forbidden.class);
    }

    @Test
    void anIdWithoutANamespaceIsGlobalUnlessNamespacesAreRequired() {
        assertThat(open.check("link-1", "bank-1", "linkId")).isEqualTo("link-1");
        assertThatThrownBy(() -> required.check("link-1", "bank-1", "linkId")).isInstanceOf(InvalidRequest.class)
                .hasMessageContaining("linkId");
    }
}
