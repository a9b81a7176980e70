#!/usr/bin/env bash
# Fuzz the JSON API from its own OpenAPI document with schemathesis.
#   BASE_URL=http://127.0.0.1:8080 PLACE_KEY=… PRESCRIBER_KEY=… FUNDER_KEY=… Tests/api/fuzz.sh
# (or BASE_URL as the first argument). Run it against a throwaway database: it creates data.
# Optional: FUZZ_MAX_EXAMPLES (50), FUZZ_SEED, FUZZ_WORKERS (1), FUZZ_RATE_LIMIT (e.g. 100/m or auto).
set -euo pipefail

BASE_URL="${1:-${BASE_URL:?usage: fuzz.sh BASE_URL, with PLACE_KEY, PRESCRIBER_KEY and FUNDER_KEY set}}"
BASE_URL="${BASE_URL%/}"
: "${PLACE_KEY:?PLACE_KEY is not set}" "${PRESCRIBER_KEY:?PRESCRIBER_KEY is not set}" "${FUNDER_KEY:?FUNDER_KEY is not set}"
ST_VERSION=4.32.5

# Pinned because the option and check names below are those of 4.32.5. Installed when st is
# missing or another version; run through python3 -m so it is the one pip just installed,
# whatever PATH says.
if [ "$(python3 -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null)" != "$ST_VERSION" ]; then
  python3 -m pip install -q --root-user-action=ignore "schemathesis==$ST_VERSION"
fi

# schemathesis writes .schemathesis/ (its cache, used by `st replay`) and Hypothesis writes
# .hypothesis/ into the current directory, whatever the flags: run from a temp dir so the
# repository stays clean. Kept on failure so the printed `st replay ID` works from there.
WORK="$(mktemp -d "${TMPDIR:-/tmp}/passnum-fuzz.XXXXXX")"
cd "$WORK"

# Warnings only print by default: a wrong key (every answer 401/403), a wrong base path
# (every answer 404) or a rate limiter answering nearly everything with 429 would leave the
# API untested yet exit 0. Make those fail the run.
cat > schemathesis.toml <<'EOF'
[warnings]
fail-on = ["missing_auth", "base_url_mismatch", "rate_limited"]
EOF

common=(
  "$BASE_URL/api/v1/openapi.json"
  # --origin swaps scheme/host/port and keeps the document's own base path (servers[0]);
  # --url would replace that path too.
  --origin "$BASE_URL"
  # No 5xx, documented status codes / content types, bodies valid against their schemas.
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
  # Stateful chains calls through links with no bound we control; the rest is per operation.
  --phases examples,coverage,fuzzing
  # -n caps the fuzzing phase per operation; coverage adds its own fixed set of edge cases.
  --max-examples "${FUZZ_MAX_EXAMPLES:-50}" --seed "${FUZZ_SEED:-20260101}" --workers "${FUZZ_WORKERS:-1}"
  --generation-database none --request-timeout 10 --max-redirects 0 --wait-for-schema 60 --no-color
)
if [ -n "${FUZZ_RATE_LIMIT:-}" ]; then common+=(--rate-limit "$FUZZ_RATE_LIMIT"); fi

# One run per key: in 4.32.5 a per-operation `headers` in schemathesis.toml leaks to the next
# operations a worker tests (its HTTP session keeps the first operation's headers), so each
# key gets its own process, restricted to its tag. -H output is shown as [Filtered].
passed=0 failed=0 summary=""
fuzz() {  # fuzz NAME TAG [-H header]
  local name="$1" tag="$2" rc=0
  shift 2
  echo "=== fuzz: $name (operations tagged '$tag') ==="
  # timeout bounds the wall time of a hung run; --max-time would instead repeat until spent.
  timeout 1200 python3 -m schemathesis.cli --config-file schemathesis.toml run "${common[@]}" --include-tag "$tag" "$@" || rc=$?
  if [ "$rc" -eq 0 ]; then passed=$((passed + 1)); summary+="  $name: ok"$'\n'
  else failed=$((failed + 1)); summary+="  $name: FAILED (exit $rc)"$'\n'; fi
}

fuzz public public
fuzz place place -H "Authorization: Bearer $PLACE_KEY"
fuzz prescriber prescriber -H "Authorization: Bearer $PRESCRIBER_KEY"
fuzz funder funder -H "Authorization: Bearer $FUNDER_KEY"

echo "=== fuzz summary (exit 1: check failed or warning; 2: no operation with that tag, or schema not loaded) ==="
printf '%s' "$summary"
if [ "$failed" -eq 0 ]; then cd / && rm -rf "$WORK"; else echo "artefacts kept in $WORK (st replay ID from there)"; fi
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
