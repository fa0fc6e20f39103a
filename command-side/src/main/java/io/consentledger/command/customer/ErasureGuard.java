package io.consentledger.command.customer;

import io.consentledger.command.common.LedgerRefusal;
import io.consentledger.contracts.consent.AuthoriseConsent;
import io.consentledger.contracts.consent.ReauthoriseConsent;
import io.consentledger.contracts.consent.RequestConsent;
import io.consentledger.contracts.link.LinkBankAccount;
import io.consentledger.contracts.share.ShareBalance;
import io.consentledger.contracts.share.ShareTransactions;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.stereotype.Component;

import java.util.Optional;

import static io.consentledger.contracts.common.RefusalReason.CUSTOMER_ERASED;
import static io.consentledger.contracts.privacy.Classification.subjectId;

/**
 * Refuses the commands that would record new personal data of a customer whose erasure was requested or done: a new
 * link, a consent request, an authorisation or reauthorisation (they would also extend the retention), and shares.
 * Revocation, rejection, unlinking and expiry stay possible. Once the key is destroyed the event store refuses such
 * data anyway (a key is never re-created); this guard answers earlier, with a clear problem.
 */
@Component
public class ErasureGuard implements MessageHandlerInterceptor<CommandMessage<?>> {

    private final CustomerDirectory directory;

    public ErasureGuard(CustomerDirectory directory) {
        this.directory = directory;
    }

    /**
     * Checked when the command's events are about to be committed, not before it is handled: the aggregate's own
     * refusals come first, and a command the aggregate refuses costs no lookup here.
     */
    @Override
    public Object handle(UnitOfWork<? extends CommandMessage<?>> unitOfWork, InterceptorChain chain) throws Exception {
        Object command = unitOfWork.getMessage().getPayload();
        if (guarded(command)) {
            unitOfWork.onPrepareCommit(u -> subjectOf(command).filter(directory::erasureRequested).ifPresent(subject -> {
                throw LedgerRefusal.of(CUSTOMER_ERASED, "The customer's personal data is erased, or its erasure was "
                                                        + "requested: no new personal data is recorded for it");
            }));
        }
        return chain.proceed();
    }

    private static boolean guarded(Object command) {
        return command instanceof LinkBankAccount || command instanceof RequestConsent || command instanceof AuthoriseConsent
                || command instanceof ReauthoriseConsent || command instanceof ShareBalance || command instanceof ShareTransactions;
    }

    private Optional<String> subjectOf(Object command) {
        if (command instanceof LinkBankAccount link) {
            return Optional.of(subjectId(link.providerId(), link.customerId()));
        }
        if (command instanceof RequestConsent request) {
            return request.linkIds().isEmpty() ? Optional.empty() : directory.subjectOf(request.linkIds().get(0));
        }
        String consentId = command instanceof AuthoriseConsent c ? c.consentId()
                : command instanceof ReauthoriseConsent c ? c.consentId()
                : command instanceof ShareBalance c ? c.consentId()
                : command instanceof ShareTransactions c ? c.consentId() : null;
        return consentId == null ? Optional.empty() : directory.subjectOf(consentId);
    }
}
