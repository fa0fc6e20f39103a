package io.consentledger.contracts.common;

/**
 * Why a recipient wants the data. ADVERTISING, CROSS_SELLING and DATA_SALE exist only so that they can be refused
 * (CFPB 1033 purpose limitation).
 */
public enum Purpose {
    BALANCE_CHECK,
    FRAUD_ALERTS,
    CUSTOMER_SERVICE,
    PAYMENTS,
    PERSONAL_FINANCE,
    ADVERTISING(true),
    CROSS_SELLING(true),
    DATA_SALE(true);

    private final boolean prohibited;

    Purpose() {
        this(false);
    }

    Purpose(boolean prohibited) {
        this.prohibited = prohibited;
    }

    public boolean isProhibited() {
        return prohibited;
    }
}
