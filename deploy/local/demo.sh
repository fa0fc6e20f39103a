#!/usr/bin/env bash
# Runs the seed scenario against the running ledger (deploy/local/run.sh) and prints what an auditor sees.
#   deploy/local/demo.sh            uses http://127.0.0.1:8081 and :8082
#   COMMAND_URL=… QUERY_URL=… deploy/local/demo.sh
# Callers authenticate with the developer API keys of developer mode (README, "Authentication"); override them with
# BANK_KEY, PLATFORM_KEY and AUDITOR_KEY.
set -euo pipefail
COMMAND="${COMMAND_URL:-http://127.0.0.1:8081}/api/v1"
QUERY="${QUERY_URL:-http://127.0.0.1:8082}/api/v1"
RUN=$(date -u +%Y%m%d%H%M%S)
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
EXPIRES=$(date -u -d '+180 days' +%Y-%m-%dT%H:%M:%SZ)
BOOKED=$(date -u -d '-2 days' +%Y-%m-%dT%H:%M:%SZ)
LINK="link-$RUN"; CONSENT="consent-$RUN"; VIA="via-$RUN"; CUSTOMER="customer-$RUN"
PLATFORM="messenger"
BANK_KEY="${BANK_KEY:-dev-key-bank-1}"; PLATFORM_KEY="${PLATFORM_KEY:-dev-key-messenger}"
AUDITOR_KEY="${AUDITOR_KEY:-dev-key-auditor}"

step() { printf '\n\033[1m%s\033[0m\n' "$*"; }
call() { # key method url [body]: prints the status and the body
  local key=$1 method=$2 url=$3 body=${4:-}
  if [ -n "$body" ]; then
    curl -sS -X "$method" "$url" -H "Authorization: ApiKey $key" -H 'Content-Type: application/json' -d "$body" \
      -w '\n  -> HTTP %{http_code}\n'
  else
    curl -sS -X "$method" "$url" -H "Authorization: ApiKey $key" -w '\n  -> HTTP %{http_code}\n'
  fi
}
evidence="{\"channel\":\"MOBILE_APP\",\"authorisedAt\":\"$NOW\",\"disclosureVersion\":\"tc-7\"}"

step "1. A bank links a customer's account"
call "$BANK_KEY" POST "$COMMAND/links" "{\"linkId\":\"$LINK\",\"customerId\":\"$CUSTOMER\",\"providerId\":\"bank-1\",
  \"accountId\":\"acc-$RUN\",\"currency\":\"EUR\",\"evidence\":$evidence}"

step "2. A messaging platform requests balances and transactions, for fraud alerts and customer service"
call "$PLATFORM_KEY" POST "$COMMAND/consents" "{\"consentId\":\"$CONSENT\",\"recipientId\":\"$PLATFORM\",\"linkIds\":[\"$LINK\"],
  \"scopes\":[\"BALANCES\",\"TRANSACTIONS\"],\"purposes\":[\"FRAUD_ALERTS\",\"CUSTOMER_SERVICE\"],
  \"expiresAt\":\"$EXPIRES\",\"window\":{\"lookbackDays\":90},\"frequency\":{\"maxPerDay\":10}}"

step "3. The bank records the customer's authorisation"
call "$BANK_KEY" POST "$COMMAND/consents/$CONSENT/authorise" "{\"evidence\":$evidence}"

step "4. The bank shares the balance and transactions"
call "$BANK_KEY" POST "$COMMAND/consents/$CONSENT/shares/balance" "{\"linkId\":\"$LINK\",\"amount\":1250.75,\"currency\":\"EUR\",
  \"asOf\":\"$NOW\",\"purpose\":\"FRAUD_ALERTS\"}"
call "$BANK_KEY" POST "$COMMAND/consents/$CONSENT/shares/transactions" "{\"linkId\":\"$LINK\",\"purpose\":\"CUSTOMER_SERVICE\",
  \"transactions\":[{\"transactionId\":\"tx-$RUN-1\",\"bookedAt\":\"$BOOKED\",\"amount\":-42.10,\"currency\":\"EUR\",
  \"description\":\"Groceries\",\"merchant\":\"Corner Shop\",\"channel\":\"card\"}]}"

step "5a. The platform asks for ADVERTISING: refused (prohibited purpose)"
call "$PLATFORM_KEY" POST "$COMMAND/consents" "{\"recipientId\":\"$PLATFORM\",\"linkIds\":[\"$LINK\"],\"scopes\":[\"BALANCES\"],
  \"purposes\":[\"ADVERTISING\"],\"expiresAt\":\"$EXPIRES\",\"window\":{\"lookbackDays\":90},\"frequency\":{\"maxPerDay\":1}}"

step "5b. Under a TRANSACTIONS_VIA_RECIPIENT consent, a purchase made outside the platform is refused"
call "$PLATFORM_KEY" POST "$COMMAND/consents" "{\"consentId\":\"$VIA\",\"recipientId\":\"$PLATFORM\",\"linkIds\":[\"$LINK\"],
  \"scopes\":[\"TRANSACTIONS_VIA_RECIPIENT\"],\"purposes\":[\"CUSTOMER_SERVICE\"],\"expiresAt\":\"$EXPIRES\",
  \"window\":{\"lookbackDays\":30},\"frequency\":{\"maxPerDay\":10}}"
call "$BANK_KEY" POST "$COMMAND/consents/$VIA/authorise" "{\"evidence\":$evidence}"
call "$BANK_KEY" POST "$COMMAND/consents/$VIA/shares/transactions" "{\"linkId\":\"$LINK\",\"purpose\":\"CUSTOMER_SERVICE\",
  \"transactions\":[{\"transactionId\":\"tx-$RUN-2\",\"bookedAt\":\"$BOOKED\",\"amount\":-9.99,\"currency\":\"EUR\",
  \"description\":\"Shoes\",\"channel\":\"web-shop\"}]}"

step "6. The customer revokes the consent"
call "$BANK_KEY" POST "$COMMAND/consents/$CONSENT/revoke" '{"reason":"CUSTOMER_REQUEST","initiator":"CUSTOMER"}'

step "7. A later share is refused"
call "$BANK_KEY" POST "$COMMAND/consents/$CONSENT/shares/balance" "{\"linkId\":\"$LINK\",\"amount\":1200.00,\"currency\":\"EUR\",
  \"asOf\":\"$NOW\",\"purpose\":\"FRAUD_ALERTS\"}"

step "8. What an auditor sees (the query side catches up within a moment)"
sleep 2
echo "Who saw the customer's data, and why:"
call "$AUDITOR_KEY" GET "$QUERY/audit/customers/$CUSTOMER/recipients"
echo "The access history of the customer:"
call "$AUDITOR_KEY" GET "$QUERY/audit/access?customerId=$CUSTOMER"
echo "The consent and its history:"
call "$AUDITOR_KEY" GET "$QUERY/consents/$CONSENT"
echo "The balance known from shares:"
call "$AUDITOR_KEY" GET "$QUERY/links/$LINK/balance"
echo "Compliance check: was any data shared outside a consent?"
call "$AUDITOR_KEY" GET "$QUERY/audit/compliance?consentId=$CONSENT"

step "9. The platform fetches a receipt for the balance share and verifies it offline"
VERIFY_JAR="${VERIFY_JAR:-$(cd "$(dirname "$0")/../.." && pwd)/shared-kernel/verifiable-log/target/consent-ledger-verify.jar}"
RECEIPTS=$(mktemp -d)
SHARE_EVENT=$(curl -sS "$QUERY/audit/access?consentId=$CONSENT" -H "Authorization: ApiKey $PLATFORM_KEY" \
  | grep -o '"eventId":"[^"]*"' | head -n 1 | cut -d'"' -f4)
echo "Share event $SHARE_EVENT; waiting for a signed checkpoint that covers it ..."
for _ in $(seq 1 30); do
  status=$(curl -sS -o "$RECEIPTS/share.tlog-proof" -w '%{http_code}' \
    "$QUERY/audit/access/$SHARE_EVENT/receipt" -H "Authorization: ApiKey $PLATFORM_KEY")
  [ "$status" = 200 ] && break
  sleep 1
done
curl -sS "$QUERY/log/key" -H "Authorization: ApiKey $PLATFORM_KEY" > "$RECEIPTS/log.vkey"
curl -sS "$QUERY/log/checkpoint" -H "Authorization: ApiKey $PLATFORM_KEY" > "$RECEIPTS/cp.txt"
echo "The receipt ($RECEIPTS/share.tlog-proof):"
cat "$RECEIPTS/share.tlog-proof"
echo
echo "java -jar consent-ledger-verify.jar --key log.vkey --checkpoint cp.txt --receipt share.tlog-proof"
java -jar "$VERIFY_JAR" --key "$RECEIPTS/log.vkey" --checkpoint "$RECEIPTS/cp.txt" --receipt "$RECEIPTS/share.tlog-proof"
