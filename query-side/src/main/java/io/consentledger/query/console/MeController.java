package io.consentledger.query.console;

import io.consentledger.security.Caller;
import io.consentledger.security.Callers;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Who the key or token belongs to, so that the console can say so and offer only the pages the party may use. */
@RestController
public class MeController {

    /** The caller: its principal, its party and, for a provider or a recipient, which one. */
    public record Me(String principal, String party, String partyId) {
    }

    @GetMapping("/api/v1/me")
    public Me me() {
        Caller caller = Callers.required();
        return new Me(caller.principal(), caller.party().name(), caller.partyId());
    }
}
