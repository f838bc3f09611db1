# shellcheck shell=bash
# Starts and stops a throwaway PostgreSQL cluster for the tests: a temporary
# directory, a free port on 127.0.0.1, trust authentication, fsync off.
# Source this file, then call pg_test_cluster_start; it exports
#   SAMSKAP_TEST_PG=postgresql://postgres@127.0.0.1:PORT/postgres
# pg_test_cluster_stop stops the server and removes the directory.

pg_test_cluster_start() {
  local bindir
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [[ -z $bindir ]]; then
    echo "pg-test-cluster: PostgreSQL is not installed (apt-get install postgresql)" >&2
    return 1
  fi
  PG_TEST_DIR=$(mktemp -d /tmp/samskap-pg.XXXXXX)
  local as=()
  if [[ $(id -u) -eq 0 ]]; then
    # initdb refuses to run as root: run the cluster as the postgres user.
    chown postgres: "$PG_TEST_DIR"
    as=(runuser -u postgres --)
  fi
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  done
  "${as[@]}" "$bindir/initdb" -D "$PG_TEST_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_TEST_DIR/initdb.log" 2>&1 ||
    { cat "$PG_TEST_DIR/initdb.log" >&2; return 1; }
  "${as[@]}" "$bindir/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/server.log" -w -t 60 \
    -o "-p $port -k $PG_TEST_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || { cat "$PG_TEST_DIR/server.log" >&2; return 1; }
  PG_TEST_AS=("${as[@]}")
  PG_TEST_BINDIR=$bindir
  export SAMSKAP_TEST_PG="postgresql://postgres@127.0.0.1:$port/postgres"
  echo "pg-test-cluster: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
}

pg_test_cluster_stop() {
  [[ -n ${PG_TEST_DIR:-} && -d $PG_TEST_DIR ]] || return 0
  "${PG_TEST_AS[@]}" "$PG_TEST_BINDIR/pg_ctl" -D "$PG_TEST_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_TEST_DIR"
  unset PG_TEST_DIR
}
