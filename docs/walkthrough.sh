#!/usr/bin/env bash
# The escrow story, end to end, with curl against a running `npm start` (http://localhost:3000).
# Run from the project folder: bash docs/walkthrough.sh   (the README prints the same commands)
set -euo pipefail
API=${API:-http://localhost:3000}
json() { node -pe "JSON.parse(require('fs').readFileSync(0, 'utf8'))$1"; }
post() { curl -sf -X POST "$API$1" -H "Authorization: Bearer $2" -H 'content-type: application/json' -d "$3"; }
get() { curl -sf "$API$1" -H "Authorization: Bearer $2"; }
# The host's bootstrap: the first two admins, straight from the command line (journaled, no actor).
bootstrap() { npm run -s cli -- principal:create --name "$1" --role admin --org "Escrow Office" | json .apiKey; }
# Everyone else the governed way: Ada requests, Grace approves, the newcomer claims the key once.
org() { post /v1/organizations "$ADMIN" "{\"name\":\"$1\",\"type\":\"$2\"}" | json .id; }
person() {
  local requested id token
  requested=$(post /v1/principals "$ADMIN" "{\"name\":\"$1\",\"role\":\"$2\",\"organizationId\":\"$3\"}")
  id=$(echo "$requested" | json .id); token=$(echo "$requested" | json .claimToken)
  post /v1/principals/$id/approve "$CHECKER" '{}' > /dev/null
  curl -sf -X POST "$API/v1/principals/claim" -H 'content-type: application/json' -d "{\"claimToken\":\"$token\"}" | json .apiKey
}

# 1. People: two admins (maker and checker), then two donors, two monitors of distinct offices
#    and an auditor, each requested by one admin and approved by the other.
ADMIN=$(bootstrap Ada)
CHECKER=$(bootstrap Grace)
DONOR_A=$(person Dana donor "$(org "Reconstruction Fund" donor)")
DONOR_B=$(person Omar donor "$(org "Gulf Development Fund" donor)")
MONITOR_1=$(person Mona monitor "$(org "Monitoring Office North" monitor)")
MONITOR_2=$(person Lin monitor "$(org "Independent Auditors Ltd" monitor)")
AUDITOR=$(person Ravi auditor "$(org "Audit Board" auditor)")

# 2. An admin registers the recipient and opens an escrow account in USD.
UTILITY=$(post /v1/organizations "$ADMIN" '{"name":"Northern Water Utility","type":"recipient"}' | json .id)
ESCROW=$(post /v1/escrow-accounts "$ADMIN" '{"name":"Northern Province 2027","currency":"USD","country":"UA"}' | json .id)

# 3. Two donors deposit (amounts are decimal strings, never JSON numbers).
post /v1/escrow-accounts/$ESCROW/deposits "$DONOR_A" '{"amount":"1000000.00","reference":"wire 001"}' > /dev/null
post /v1/escrow-accounts/$ESCROW/deposits "$DONOR_B" '{"amount":"250000.00"}' > /dev/null

# 4. Donor A earmarks a phase-1 utilities tranche for the water utility.
TRANCHE=$(post /v1/escrow-accounts/$ESCROW/tranches "$DONOR_A" \
  "{\"category\":\"utilities\",\"phase\":1,\"amount\":\"400000.00\",\"recipientOrganizationId\":\"$UTILITY\"}" | json .id)

# 5. The admin sets both benchmarks; monitors of two distinct organizations approve each.
ACCESS=$(post /v1/tranches/$TRANCHE/benchmarks "$ADMIN" '{"kind":"humanitarian_access","description":"Unimpeded access for 30 days"}' | json .id)
AUDIT=$(post /v1/tranches/$TRANCHE/benchmarks "$ADMIN" '{"kind":"anti_corruption","description":"Procurement audit passed"}' | json .id)
for B in $ACCESS $AUDIT; do
  post /v1/benchmarks/$B/signoffs "$MONITOR_1" '{"decision":"approve","evidence":"site visit 2027-03-14"}' > /dev/null
  post /v1/benchmarks/$B/signoffs "$MONITOR_2" '{"decision":"approve","evidence":"audit report AR-7"}' > /dev/null
done

# 6. Four eyes: Ada requests the release, Grace approves it; the money moves to the utility.
REQUEST=$(post /v1/tranches/$TRANCHE/release-requests "$ADMIN" '{}' | json .id)
post /v1/release-requests/$REQUEST/approve "$CHECKER" '{}' | json .status

# 7. Where the money is, and the auditor's check of the whole ledger.
get /v1/escrow-accounts/$ESCROW "$AUDITOR" | json .balances
sleep 1  # the sealer chains new journal transactions within a fraction of a second
get /v1/ledger/verify "$AUDITOR"; echo
