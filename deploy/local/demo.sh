#!/usr/bin/env bash
# Runs the seed scenario against the running ledger (deploy/local/run.sh) and prints what an auditor sees.
# First it starts a small webhook receiver (deploy/local/WebhookReceiver.java, JDK only) and registers it for the
# platform, so the revocation is shown arriving with a valid signature (checked by the receiver, then by openssl).
#   deploy/local/demo.sh            uses http://127.0.0.1:8081 and :8082, and the receiver on :8090
#   COMMAND_URL=… QUERY_URL=… RECEIVER_PORT=… deploy/local/demo.sh
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
HERE="$(cd "$(dirname "$0")" && pwd)"
RECEIVER_PORT="${RECEIVER_PORT:-8090}"
HOOKS=$(mktemp -d)
WEBHOOK_ID=""
cleanup() {
  if [ -n "$WEBHOOK_ID" ]; then
    curl -sS -o /dev/null -X DELETE "$QUERY/webhooks/$WEBHOOK_ID" -H "Authorization: ApiKey $PLATFORM_KEY" || true
  fi
  if [ -n "${RECEIVER_PID:-}" ]; then kill "$RECEIVER_PID" 2>/dev/null || true; fi
  rm -rf "$HOOKS"
}
trap cleanup EXIT

step "0. The platform starts a webhook receiver and registers it (the secret is shown this once)"
java "$HERE/WebhookReceiver.java" "$RECEIVER_PORT" "$HOOKS" > "$HOOKS/receiver.out" 2>&1 &
RECEIVER_PID=$!
for _ in $(seq 1 30); do
  grep -q listening "$HOOKS/receiver.out" 2>/dev/null && break
  sleep 1
done
cat "$HOOKS/receiver.out"
REGISTERED=$(curl -sS -X POST "$QUERY/webhooks" -H "Authorization: ApiKey $PLATFORM_KEY" -H 'Content-Type: application/json' \
  -d "{\"url\":\"http://127.0.0.1:$RECEIVER_PORT/webhooks/ledger\",\"events\":[\"consent.requested\",\"consent.authorised\",
       \"consent.revoked\",\"consent.expired\",\"share.recorded\"]}")
echo "$REGISTERED"
WEBHOOK_ID=$(printf '%s' "$REGISTERED" | sed -n 's/.*"webhookId":"\([^"]*\)".*/\1/p')
SECRET=$(printf '%s' "$REGISTERED" | sed -n 's/.*"secret":"\([^"]*\)".*/\1/p')
if [ -z "$WEBHOOK_ID" ] || [ -z "$SECRET" ]; then
  echo "Could not register the webhook. The query side must run with consent-ledger.webhooks.allow-insecure-loopback=true (deploy/local/run.sh sets it)." >&2
  exit 1
fi
printf '%s' "$SECRET" > "$HOOKS/secret"

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

step "9. The platform was told of the revocation: what its receiver got, each signature checked"
for _ in $(seq 1 20); do
  [ -f "$HOOKS/revoked.body" ] && break
  sleep 1
done
cat "$HOOKS/received.log" 2>/dev/null || echo "(nothing received yet)"
if [ -f "$HOOKS/revoked.body" ]; then
  echo "The revocation's signature, recomputed with openssl (docs/notifications.md, \"Verifying a signature\"):"
  KEY=$(printf '%s' "${SECRET#whsec_}" | base64 -d | od -An -v -tx1 | tr -d ' \n')
  EXPECTED=$( { printf '%s.%s.' "$(cat "$HOOKS/revoked.id")" "$(cat "$HOOKS/revoked.timestamp")"; cat "$HOOKS/revoked.body"; } \
    | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$KEY" -binary | base64)
  echo "  webhook-id:                  $(cat "$HOOKS/revoked.id")"
  echo "  webhook-signature received:  $(cat "$HOOKS/revoked.signature")"
  echo "  recomputed with openssl:     v1,$EXPECTED"
  case " $(cat "$HOOKS/revoked.signature") " in
    *" v1,$EXPECTED "*) echo "  -> the signature matches" ;;
    *) echo "  -> the signature does NOT match" ;;
  esac
fi
echo "The webhook's delivery log (the platform, or any auditor, can read it):"
call "$PLATFORM_KEY" GET "$QUERY/webhooks/$WEBHOOK_ID/deliveries?limit=10"

step "10. The platform fetches a receipt for the balance share and verifies it offline"
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
