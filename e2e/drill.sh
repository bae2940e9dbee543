# Helpers of the drills, sourced by e2e/crash.sh and e2e/scaleout.sh (WHARF_DATA_DIR set before): their
# "ok - …" / "not ok - …" lines, and HTTP with curl.

PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
not_ok() { FAIL=$((FAIL + 1)); echo "not ok - $*"; }
note() { echo "#   $*"; }
expect() { # expect WHAT ACTUAL WANTED
  if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', want '$3')"; fi
}

H=$WHARF_DATA_DIR/headers
B=$WHARF_DATA_DIR/body

# http METHOD URL [curl args…]: prints the status code (000 when nothing answered);
# headers land in $H, the body in $B.
http() {
  local method=$1 url=$2
  shift 2
  : >"$H"
  : >"$B"
  local verb=(-X "$method")
  [ "$method" = HEAD ] && verb=(-I)
  # No "Expect: 100-continue": bodies go out at once.
  curl -sS "${verb[@]}" -H "Expect:" -D "$H" -o "$B" -w '%{http_code}' --max-time 120 "$@" "$url" 2>>"$WHARF_DATA_DIR/curl.err" || true
}

# hdr NAME: the value of a response header from the last http call.
hdr() { tr -d '\r' <"$H" | awk -v n="$(echo "$1" | tr 'A-Z' 'a-z')" -F': *' 'tolower($1) == n { sub(/^[^:]*: */, ""); v = $0 } END { print v }'; }

# with_digest LOCATION DIGEST: an upload's location with the digest its commit (PUT) names.
with_digest() { case "$1" in *\?*) echo "$1&digest=$2" ;; *) echo "$1?digest=$2" ;; esac; }
