package io.consentledger.security;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * A validated JWT to a {@link Caller}: {@code sub} is the principal, the {@code party} claim the party
 * (PROVIDER, RECIPIENT, AUDITOR, OPERATOR), {@code party_id} the provider's or recipient's id. A token without a
 * usable party is refused as an invalid token (401), never guessed.
 */
public class PartyJwtConverter implements Converter<Jwt, AbstractAuthenticationToken> {

    private final String partyClaim;
    private final String partyIdClaim;

    public PartyJwtConverter(String partyClaim, String partyIdClaim) {
        this.partyClaim = partyClaim;
        this.partyIdClaim = partyIdClaim;
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        try {
            Party party = Party.valueOf(jwt.getClaimAsString(partyClaim));
            return new CallerAuthentication(new Caller(jwt.getSubject(), party, jwt.getClaimAsString(partyIdClaim)));
        } catch (RuntimeException unusable) {
            throw new InvalidBearerTokenException("The token names no usable party");
        }
    }
}
