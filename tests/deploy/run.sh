#!/usr/bin/env bash
# The deployment test (issue 13), run by ./dev test: on loopback only, it
# starts two `samskap serve` nodes on one PostgreSQL database (the cluster
# ./dev test started: SAMSKAP_TEST_PG), each with public_url
# https://samskap.test:PORT and trusted_proxies 127.0.0.1; nginx with the
# shipped site (docs/deploy/nginx.conf) and a self-signed certificate for
# samskap.test made here; and a real SMTP server (tests/deploy/smtp_sink.py).
# Then tests/deploy/deploy.test.mjs drives Chromium through nginx.
# Needs: nginx, openssl, zbar-tools, python3-aiosmtpd, curl, chromium (./dev installs them).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BIN=${SAMSKAP_BINARY:-$ROOT/build/release/samskap}
: "${SAMSKAP_TEST_PG:?start the PostgreSQL test cluster first (./dev test does)}"

free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 30000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  echo "deploy: no free port" >&2
  exit 1
}

DIR=$(mktemp -d /tmp/samskap-deploy.XXXXXX)
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -f $DIR/nginx.pid ]] && kill "$(cat "$DIR/nginx.pid")" 2>/dev/null || true
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  psql "$SAMSKAP_TEST_PG" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  if [[ ${KEEP_DEPLOY_DIR:-} == 1 ]]; then echo "deploy: kept $DIR" >&2; else rm -rf "$DIR"; fi
}
trap cleanup EXIT

NODE_A=$(free_port); NODE_B=$(free_port); HTTPS=$(free_port); HTTP=$(free_port); SMTP=$(free_port)
DB=samskap_deploy_$$
PUBLIC="https://samskap.test:$HTTPS"

# The database both nodes share.
psql "$SAMSKAP_TEST_PG" -qc "CREATE DATABASE $DB" >/dev/null
PG_URL="${SAMSKAP_TEST_PG%/*}/$DB"

# A self-signed certificate for samskap.test, and its SPKI hash, which is the
# only certificate Chromium is told to accept.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=samskap.test" \
  -addext "subjectAltName=DNS:samskap.test" -keyout "$DIR/key.pem" -out "$DIR/cert.pem" 2>/dev/null
SPKI=$(openssl x509 -in "$DIR/cert.pem" -pubkey -noout | openssl pkey -pubin -outform der |
  openssl dgst -sha256 -binary | base64)

# The SMTP server.
mkdir -p "$DIR/mail"
/usr/bin/python3 tests/deploy/smtp_sink.py "$SMTP" "$DIR/mail" &
PIDS+=($!)

# Two nodes.
start_node() {  # NAME PORT
  "$BIN" serve --listen "127.0.0.1:$2" --database "$PG_URL" --public-url "$PUBLIC" \
    --trusted-proxies 127.0.0.1 --secure-cookies true --workers 4 \
    --smtp-host 127.0.0.1 --smtp-port "$SMTP" --smtp-security none \
    --smtp-from "Samskap <samskap@samskap.test>" >"$DIR/$1.out" 2>"$DIR/$1.err" &
  PIDS+=($!)
}
start_node node-a "$NODE_A"
for _ in $(seq 1 150); do grep -q "serving" "$DIR/node-a.err" 2>/dev/null && break; sleep 0.1; done
start_node node-b "$NODE_B"
for n in node-a node-b; do
  for _ in $(seq 1 150); do grep -q "serving" "$DIR/$n.err" 2>/dev/null && break; sleep 0.1; done
  grep -q "serving" "$DIR/$n.err" || { cat "$DIR/$n.err" >&2; echo "deploy: $n did not start" >&2; exit 1; }
done
for _ in $(seq 1 50); do [[ -f $DIR/mail/ready ]] && break; sleep 0.1; done
[[ -f $DIR/mail/ready ]] || { echo "deploy: the SMTP server did not start" >&2; exit 1; }
SETUP=$(grep -o "https://[^ ]*/oppsett/[A-Za-z0-9_-]*" "$DIR/node-a.err" | head -n 1)

# nginx with the shipped site, pointed at this test's ports and certificate.
sed -e "s|server 127.0.0.1:8080;|server 127.0.0.1:$NODE_A; server 127.0.0.1:$NODE_B;|" \
  -e "/listen \[::\]/d" \
  -e "s|listen 80;|listen 127.0.0.1:$HTTP;|" \
  -e "s|listen 443 ssl http2;|listen 127.0.0.1:$HTTPS ssl http2;|" \
  -e "s|https://samskap.example.no\$request_uri|https://samskap.test:$HTTPS\$request_uri|" \
  -e "s|samskap.example.no|samskap.test|g" \
  -e "s|ssl_certificate .*;|ssl_certificate $DIR/cert.pem;|" \
  -e "s|ssl_certificate_key .*;|ssl_certificate_key $DIR/key.pem;|" \
  docs/deploy/nginx.conf >"$DIR/site.conf"
mkdir -p "$DIR/nginx-tmp"
cat >"$DIR/nginx.conf" <<CONF
user root;
worker_processes 1;
pid $DIR/nginx.pid;
error_log $DIR/nginx-error.log warn;
events { worker_connections 512; }
http {
  access_log $DIR/nginx-access.log;
  client_body_temp_path $DIR/nginx-tmp/body;
  proxy_temp_path $DIR/nginx-tmp/proxy;
  fastcgi_temp_path $DIR/nginx-tmp/fastcgi;
  uwsgi_temp_path $DIR/nginx-tmp/uwsgi;
  scgi_temp_path $DIR/nginx-tmp/scgi;
  include $DIR/site.conf;
}
CONF
nginx -t -c "$DIR/nginx.conf" -p "$DIR" 2>"$DIR/nginx-t.log" || { cat "$DIR/nginx-t.log" >&2; exit 1; }
nginx -c "$DIR/nginx.conf" -p "$DIR"
for _ in $(seq 1 50); do [[ -f $DIR/nginx.pid ]] && break; sleep 0.1; done

export DEPLOY_PUBLIC=$PUBLIC DEPLOY_HTTPS_PORT=$HTTPS DEPLOY_HTTP_PORT=$HTTP DEPLOY_SPKI=$SPKI \
  DEPLOY_CERT=$DIR/cert.pem DEPLOY_SETUP=$SETUP DEPLOY_MAIL_DIR=$DIR/mail DEPLOY_DIR=$DIR
node --test --test-concurrency=1 tests/deploy/
