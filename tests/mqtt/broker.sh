#!/usr/bin/env bash
# tests/mqtt/broker.sh: a mosquitto broker for one test, on a random
# loopback port, in a directory of its own. A bash library that drivers
# source, and a command for CTest fixtures, which start and stop the broker
# from two separate processes:
#
#   broker.sh start DIR [EXTRA_CONF]   start a detached broker; prints its port
#   broker.sh stop DIR                 stop it and wait until it is gone
#
# Sourced, it defines:
#   broker_start DIR [EXTRA_CONF]  writes DIR/mosquitto.conf, starts the
#       broker (a child of the calling shell) on a random free port in
#       20000..60000 (up to 5 tries), waits until it runs and its port
#       answers, and records DIR/port and DIR/pid. Its output always goes to
#       DIR/mosquitto.log. The broker persists to DIR/, so a broker
#       restarted after SIGTERM keeps persistent sessions, their
#       subscriptions and their queued QoS 1 messages. EXTRA_CONF is
#       appended after the listener line: listener options (cafile,
#       certfile, keyfile, ...) apply to the broker's listener, and a bridge
#       (connection ...) comes last. If it sets allow_anonymous itself, the
#       default (allow_anonymous true) is left out.
#       A start begins with an empty log and no persisted state.
#   broker_restart DIR  stops the broker and starts it again with the same
#       configuration on the same port, keeping what it persisted.
#   broker_stop DIR     SIGTERM, then waits (bounded) until the process is
#       gone; reaps it when it is a child of this shell.
#   broker_port DIR     prints the broker's port.
#   broker_tls_conf DIR USER PASS  makes, in DIR, a CA, a server certificate
#       for 127.0.0.1 and localhost signed by it, and a password file with
#       USER:PASS; writes DIR/tls.conf (TLS on the listener, no anonymous
#       clients) to pass as EXTRA_CONF, and prints its path. Clients trust
#       DIR/ca.crt.
#   port_answers PORT   true when something accepts TCP on 127.0.0.1:PORT.
#   broker_dump DIR     prints the broker's configuration and log (for a
#       failing test's output).
#
# Nothing here sleeps to order events: every wait polls a condition (the
# log says "running", a port answers, a process is gone) a bounded number
# of times. Only 127.0.0.1 is ever used.

BROKER_TRIES=${BROKER_TRIES:-100}   # polls of 0.1 s while waiting for a start or a stop

broker__mosquitto() {
    if command -v mosquitto >/dev/null 2>&1; then
        command -v mosquitto
    elif [ -x /usr/sbin/mosquitto ]; then
        echo /usr/sbin/mosquitto
    else
        echo "broker.sh: mosquitto not found (scripts/setup installs it)" >&2
        return 1
    fi
}

port_answers() { # port_answers PORT
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

broker_port() { # broker_port DIR
    cat "$1/port"
}

# Alive and not a zombie (a zombie answers kill -0 until it is reaped, and
# a broker started by a process that has exited may never be reaped).
broker__alive() { # broker__alive PID
    local stat
    kill -0 "$1" 2>/dev/null || return 1
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) } # the fields after "(comm) "
    [ "${stat%% *}" != Z ]
}

# True when PID is still the broker this directory started (a pid is
# reused once the broker is gone and reaped).
broker__is_ours() { # broker__is_ours DIR PID
    local cmdline
    [ "$(cat "/proc/$2/comm" 2>/dev/null)" = mosquitto ] || return 1
    cmdline=$(tr '\0' ' ' <"/proc/$2/cmdline" 2>/dev/null) || return 1
    [[ "$cmdline " == *" $1/mosquitto.conf "* ]]
}

broker__write_conf() { # broker__write_conf DIR PORT
    local dir=$1 port=$2 extra
    extra=$(cat "$dir/extra.conf" 2>/dev/null || true)
    {
        echo "# written by tests/mqtt/broker.sh"
        # As root, mosquitto would drop to user mosquitto, which cannot read
        # a test directory under a root-owned tree; "root" keeps it as root
        # (ignored when not started as root).
        [ "$(id -u)" -eq 0 ] && echo "user root"
        echo "persistence true"
        echo "persistence_location $dir/"
        echo "log_dest stderr"
        echo "log_type error"
        echo "log_type warning"
        echo "log_type notice"
        echo "log_type information"
        echo "connection_messages true"
        if ! grep -qE '^[[:space:]]*allow_anonymous[[:space:]]' <<<"$extra"; then
            echo "allow_anonymous true"
        fi
        echo "listener $port 127.0.0.1"
        [ -z "$extra" ] || printf '%s\n' "$extra"
    } >"$dir/mosquitto.conf"
}

# Starts mosquitto on PORT; 0 once it runs and answers there, 1 if it
# exited (port taken, bad configuration), 2 without mosquitto. DETACH=1
# puts it in a session of its own, for a process that exits while the
# broker runs on. Its output is appended to DIR/mosquitto.log; only what
# this start wrote is looked at.
broker__try() { # broker__try DIR PORT DETACH
    local dir=$1 port=$2 detach=$3 exe pid i from log
    exe=$(broker__mosquitto) || return 2
    broker__write_conf "$dir" "$port"
    touch "$dir/mosquitto.log"
    from=$(($(stat -c %s "$dir/mosquitto.log") + 1))
    if [ "$detach" = 1 ]; then
        # Without job control (a script) the subshell is not a process
        # group leader, so setsid(1) calls setsid() and execs in place: $!
        # is mosquitto's own pid.
        (exec setsid "$exe" -c "$dir/mosquitto.conf" </dev/null >>"$dir/mosquitto.log" 2>&1) &
    else
        "$exe" -c "$dir/mosquitto.conf" </dev/null >>"$dir/mosquitto.log" 2>&1 &
    fi
    pid=$!
    for ((i = 0; i < BROKER_TRIES; i++)); do
        if ! broker__alive "$pid"; then
            wait "$pid" 2>/dev/null || true
            return 1
        fi
        # "running" is logged once every listener is open.
        log=$(tail -c "+$from" "$dir/mosquitto.log")
        if [[ $log == *" running"* ]] && port_answers "$port"; then
            echo "$pid" >"$dir/pid"
            echo "$port" >"$dir/port"
            return 0
        fi
        sleep 0.1
    done
    echo "broker.sh: mosquitto on port $port did not come up in $BROKER_TRIES tries" >&2
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    return 1
}

broker_start() { # broker_start DIR [EXTRA_CONF] (BROKER_DETACH=1: detached)
    local dir=$1 extra=${2:-} port
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ -n "$extra" ]; then
        cp "$extra" "$dir/extra.conf.tmp" && mv "$dir/extra.conf.tmp" "$dir/extra.conf"
    else
        rm -f "$dir/extra.conf"
    fi
    # A fresh broker: nothing kept from an earlier run in this directory
    # (sessions, retained values), a new log.
    rm -f "$dir/pid" "$dir/port" "$dir/mosquitto.db"
    : >"$dir/mosquitto.log"
    for _ in 1 2 3 4 5; do
        port=$((20000 + RANDOM % 40001))
        port_answers "$port" && continue # taken: mosquitto would fail to bind
        local rc=0
        broker__try "$dir" "$port" "${BROKER_DETACH:-0}" || rc=$?
        [ $rc -eq 0 ] && return 0
        [ $rc -eq 2 ] && return 1
        # Only a port taken between the check and the bind is worth another
        # try; a bad configuration fails the same way on every port.
        [[ $(tail -n 5 "$dir/mosquitto.log") == *"Address already in use"* ]] || break
    done
    echo "broker.sh: could not start mosquitto in $dir; its log:" >&2
    sed 's/^/    /' "$dir/mosquitto.log" >&2 || true
    return 1
}

broker_restart() { # broker_restart DIR: stop, then start on the same port
    local dir=$1 port
    dir=$(cd "$dir" && pwd)
    port=$(broker_port "$dir")
    broker_stop "$dir"
    # mosquitto sets SO_REUSEADDR, so TIME_WAIT connections on the port do
    # not stop it binding; a few tries cover a slow release anyway.
    for _ in 1 2 3 4 5; do
        if broker__try "$dir" "$port" "${BROKER_DETACH:-0}"; then
            return 0
        fi
    done
    echo "broker.sh: could not restart mosquitto on port $port; its log:" >&2
    sed 's/^/    /' "$dir/mosquitto.log" >&2 || true
    return 1
}

broker_stop() { # broker_stop DIR
    local dir=$1 pid i
    [ -f "$dir/pid" ] || return 0
    dir=$(cd "$dir" && pwd)
    pid=$(cat "$dir/pid")
    if broker__alive "$pid" && broker__is_ours "$dir" "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < BROKER_TRIES; i++)); do
            broker__alive "$pid" || break
            sleep 0.1
        done
        if broker__alive "$pid"; then
            echo "broker.sh: mosquitto $pid ignored SIGTERM; killing it" >&2
            kill -KILL "$pid" 2>/dev/null || true
            for ((i = 0; i < BROKER_TRIES; i++)); do
                broker__alive "$pid" || break
                sleep 0.1
            done
        fi
    fi
    # Reap it if it is our child (instant: it has exited); otherwise wait
    # returns 127 at once.
    wait "$pid" 2>/dev/null || true
    rm -f "$dir/pid"
    if broker__alive "$pid" && broker__is_ours "$dir" "$pid"; then
        echo "broker.sh: mosquitto $pid is still running" >&2
        return 1
    fi
    return 0
}

broker_tls_conf() { # broker_tls_conf DIR USER PASS: prints the path of DIR/tls.conf
    local dir=$1 user=$2 pass=$3
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    cat >"$dir/openssl.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = signet test
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
    (
        set -e
        cd "$dir"
        openssl req -config openssl.cnf -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
            -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=signet test CA" -extensions ca
        openssl req -config openssl.cnf -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
            -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1"
        openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
            -out server.crt -days 2 -extfile openssl.cnf -extensions server
        openssl verify -CAfile ca.crt server.crt
        rm -f passwd
        mosquitto_passwd -c -b passwd "$user" "$pass"
    ) >"$dir/openssl.log" 2>&1 || {
        echo "broker.sh: making the TLS files failed:" >&2
        sed 's/^/    /' "$dir/openssl.log" >&2
        return 1
    }
    cat >"$dir/tls.conf" <<EOF
cafile $dir/ca.crt
certfile $dir/server.crt
keyfile $dir/server.key
require_certificate false
allow_anonymous false
password_file $dir/passwd
EOF
    echo "$dir/tls.conf"
}

broker_dump() { # broker_dump DIR
    local f
    for f in "$1/mosquitto.conf" "$1/mosquitto.log"; do
        [ -f "$f" ] || continue
        echo "--- $f"
        cat "$f"
    done
}

# As a command.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    case ${1:-} in
    start)
        [ $# -ge 2 ] || { echo "usage: broker.sh start DIR [EXTRA_CONF]" >&2; exit 2; }
        # A fixture's broker outlives this process: a stale one from an
        # interrupted run is stopped first.
        broker_stop "$2"
        BROKER_DETACH=1 broker_start "$2" "${3:-}"
        broker_port "$2"
        ;;
    stop)
        [ $# -eq 2 ] || { echo "usage: broker.sh stop DIR" >&2; exit 2; }
        broker_stop "$2"
        ;;
    *)
        echo "usage: broker.sh start DIR [EXTRA_CONF] | broker.sh stop DIR" >&2
        exit 2
        ;;
    esac
fi
