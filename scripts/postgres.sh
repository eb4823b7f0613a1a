#!/usr/bin/env bash
# Makes sure a PostgreSQL server is running and that the database this project needs exists, then
# prints its connection string on stdout (everything else goes to stderr).
#
#   scripts/postgres.sh app    the application's database (make run)
#   scripts/postgres.sh test   an administrative connection for the tests, which create a database each
#
# With DATABASE_URL (app) or TEST_DATABASE_URL (test) set, that server is used as it is. Otherwise a local
# server on 127.0.0.1:${PGPORT:-5432} is used: a stopped Debian cluster is started, and when none is
# installed Debian's postgresql package is installed (as root, or through sudo). A role and database
# named khuyencong are created through the postgres superuser.
set -euo pipefail

purpose=${1:-app}
port=${PGPORT:-5432}
role=khuyencong
password=khuyencong
say() { echo "postgres.sh: $*" >&2; }

case "$purpose" in
app)  [ -n "${DATABASE_URL:-}" ] && { echo "$DATABASE_URL"; exit 0; } ;;
test) [ -n "${TEST_DATABASE_URL:-}" ] && { echo "$TEST_DATABASE_URL"; exit 0; } ;;
*) say "usage: $0 app|test"; exit 2 ;;
esac

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "need root (or sudo) to run: $*"; return 1; fi
}

ready() { pg_isready -q -h 127.0.0.1 -p "$port" 2>/dev/null; }

if ! command -v pg_isready >/dev/null || ! ready; then
  if ! command -v pg_lsclusters >/dev/null || [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
    say "no PostgreSQL cluster found: installing Debian's postgresql package"
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  fi
  if ! ready; then
    pg_lsclusters -h | while read -r ver name cport status _; do
      if [ "$cport" = "$port" ] && [ "$status" != "online" ]; then
        say "starting cluster $ver/$name on port $cport"
        sudo_if_needed pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start >&2 || true
      fi
    done
  fi
  for _ in $(seq 1 60); do ready && break; sleep 0.5; done
  ready || { say "PostgreSQL is not answering on 127.0.0.1:$port"; exit 1; }
fi

# Run SQL as the postgres superuser: over TCP when trust allows it, else over the local socket as the
# postgres system user (Debian's default peer authentication).
as_super() {
  if psql -X -q -w -h 127.0.0.1 -p "$port" -U postgres -d postgres -c 'SELECT 1' >/dev/null 2>&1; then
    psql -X -q -w -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres "$@"
  elif [ "$(id -u)" -eq 0 ] && command -v runuser >/dev/null; then
    runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$port" -d postgres "$@"
  else
    sudo -u postgres psql -X -q -v ON_ERROR_STOP=1 -p "$port" -d postgres "$@"
  fi
}

# The tests create and drop a database each and install trusted extensions: CREATEDB is enough.
as_super -At -c "SELECT 1 FROM pg_roles WHERE rolname = '$role'" | grep -q 1 ||
  as_super -c "CREATE ROLE $role LOGIN CREATEDB PASSWORD '$password'" >&2

# Password authentication must work over TCP; check it, and say what to do when pg_hba.conf refuses.
if ! PGPASSWORD=$password psql -X -q -w -h 127.0.0.1 -p "$port" -U "$role" -d postgres -c 'SELECT 1' >/dev/null 2>&1; then
  say "cannot log in as $role over TCP: check pg_hba.conf allows md5/scram for 127.0.0.1"
  exit 1
fi

base="postgres://$role:$password@127.0.0.1:$port"
if [ "$purpose" = app ]; then
  as_super -At -c "SELECT 1 FROM pg_database WHERE datname = 'khuyencong'" | grep -q 1 ||
    as_super -c "CREATE DATABASE khuyencong OWNER $role ENCODING 'UTF8' TEMPLATE template0" >&2
  echo "$base/khuyencong?sslmode=disable"
else
  echo "$base/postgres?sslmode=disable"
fi
