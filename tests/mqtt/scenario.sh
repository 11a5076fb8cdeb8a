#!/usr/bin/env bash
# tests/mqtt/scenario.sh: the MQTT scenarios, one CTest test each.
#
#   scenario.sh NAME PEER FIXTURE_DIR WORK_DIR
#
# NAME is a scenario below (the test's name without "mqtt_"), PEER the
# mqtt_peer program (tests/mqtt/peer.c), FIXTURE_DIR the directory of the
# broker of the CTest fixture mqtt_broker (its port is FIXTURE_DIR/port),
# WORK_DIR an empty-able directory of this test's own: its outputs, FIFOs
# and the brokers it starts itself. Scenarios that need a broker of their
# own (a restart, two bridged brokers, TLS, a retained value) start it
# here and stop it on exit, so they run in parallel with the others.
#
# Every wait waits on something: a peer writes "ready" or "paused" into a
# FIFO once its subscriptions are acknowledged, mosquitto_sub -d prints
# "received SUBACK", a probe published on one broker arrives through the
# bridge on the other. Each is bounded, and every peer runs under
# timeout(1). On failure the outputs, the peers' stderr and the brokers'
# logs are printed.
# shellcheck disable=SC2317 # the functions run through "$fn" and the traps
set -euo pipefail
export LC_ALL=C # sort and diff byte by byte

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=broker.sh
. "$here/broker.sh"

[ $# -eq 4 ] || { echo "usage: scenario.sh NAME PEER FIXTURE_DIR WORK_DIR" >&2; exit 2; }
name=$1
peer=$2
fixture=$3
work=$4
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)

PEER_TIMEOUT=${PEER_TIMEOUT:-45}  # seconds, for any one peer or client
WAIT_TRIES=${WAIT_TRIES:-300}     # polls of 0.1 s for a FIFO line or a SUBACK

declare -A pids=()  # peer name -> pid (of its timeout(1))
own_brokers=()      # broker directories this script started

# ---------------------------------------------------------------------------
# Reporting and cleanup.

dump() {
    local f
    for f in "$work"/*.out "$work"/*.err "$work"/*.stats "$work"/*.txt; do
        [ -s "$f" ] || continue
        echo "--- $f"
        head -c 20000 "$f"
        echo
    done
    [ -f "$fixture/mosquitto.log" ] && { echo "--- fixture broker log (tail)"; tail -n 40 "$fixture/mosquitto.log"; }
    for f in "${own_brokers[@]}"; do
        echo "--- broker $f"
        broker_dump "$f" | tail -n 80
    done
}

fail() {
    echo "FAIL ($name): $*" >&2
    exit 1
}

cleanup() {
    local rc=$? p
    trap - EXIT
    for p in "${!pids[@]}"; do
        kill -TERM "${pids[$p]}" 2>/dev/null || true
    done
    for p in "${!pids[@]}"; do
        wait "${pids[$p]}" 2>/dev/null || true
    done
    for p in "${own_brokers[@]}"; do
        broker_stop "$p" || rc=1
    done
    if [ "$rc" -ne 0 ]; then
        dump >&2
    fi
    exit "$rc"
}
trap cleanup EXIT
# A signal ends the script through cleanup too (bash skips EXIT traps on
# signals it does not trap), so no broker or peer outlives it.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM

# ---------------------------------------------------------------------------
# Peers, FIFOs, brokers.

# start_peer NAME ARGS...: PEER ARGS in the background, stdout in
# WORK/NAME.out, stderr in WORK/NAME.err.
start_peer() {
    local n=$1
    shift
    timeout -k 5 "$PEER_TIMEOUT" "$peer" "$@" >"$work/$n.out" 2>"$work/$n.err" &
    pids[$n]=$!
}

# run_peer NAME ARGS...: the same in the foreground; returns its status.
run_peer() {
    local n=$1 rc=0
    shift
    timeout -k 5 "$PEER_TIMEOUT" "$peer" "$@" >"$work/$n.out" 2>"$work/$n.err" || rc=$?
    return "$rc"
}

# wait_peer NAME: waits for the background peer; returns its status.
wait_peer() {
    local n=$1 rc=0
    wait "${pids[$n]}" || rc=$?
    unset "pids[$n]"
    return "$rc"
}

# expect_exit NAME WANT: waits for the peer and fails unless it exits WANT.
expect_exit() {
    local rc=0
    wait_peer "$1" || rc=$?
    [ "$rc" -eq "$2" ] || fail "$1 exited $rc, expected $2"
}

# fifo NAME: makes WORK/NAME and opens it read-write on a new descriptor,
# whose number it stores in the variable fd_NAME. Opened read-write, it
# never blocks the peer's open (for writing or for reading), and a read
# from it can time out (an open for reading alone would block until a
# writer came).
fifo() {
    local n=$1 fd
    mkfifo "$work/$n"
    exec {fd}<>"$work/$n"
    printf -v "fd_$n" %s "$fd"
}

# await FD WORD PEER: reads lines from FD until one is WORD; fails if PEER
# exits first or nothing comes within WAIT_TRIES polls. A read that times
# out mid-line keeps what it read (bash stores it), so a line split across
# two polls is joined, not lost.
await() {
    local fd=$1 word=$2 p=$3 line part="" i rc
    for ((i = 0; i < WAIT_TRIES; i++)); do
        rc=0
        IFS= read -r -t 0.1 -u "$fd" line || rc=$?
        if [ "$rc" -eq 0 ]; then
            line=$part$line
            [ "$line" = "$word" ] && return 0
            fail "$p wrote '$line' to its FIFO, expected '$word'"
        fi
        part+=$line
        if ! kill -0 "${pids[$p]}" 2>/dev/null; then
            # It may have written the line just before exiting.
            if IFS= read -r -t 0.1 -u "$fd" line && [ "$part$line" = "$word" ]; then
                return 0
            fi
            rc=0
            wait_peer "$p" || rc=$?
            fail "$p exited ($rc) before writing '$word'"
        fi
    done
    fail "$p did not write '$word' within $WAIT_TRIES tries"
}

# own_broker DIR [EXTRA_CONF]: starts a broker of this test's own.
own_broker() {
    own_brokers+=("$1")
    broker_start "$1" "${2:-}"
}

fixture_port() {
    [ -f "$fixture/port" ] || fail "the mqtt_broker fixture is not running ($fixture/port is missing)"
    port_answers "$(cat "$fixture/port")" || fail "the mqtt_broker fixture's port does not answer"
    cat "$fixture/port"
}

# stat_of FILE KEY: a counter from a peer's --stats file.
stat_of() {
    local v
    v=$(sed -n "s/^$2=//p" "$1")
    [ -n "$v" ] || fail "$1 has no $2"
    echo "$v"
}

# dropped_of FILE: the sum of every dropped_* counter.
dropped_of() {
    awk -F= '$1 ~ /^dropped_/ { n += $2 } END { print n + 0 }' "$1"
}

# same_per_topic A B: A and B hold the same lines, in the same order within
# each topic (the first field); topics may interleave differently.
same_per_topic() {
    sort -s -k1,1 "$1" >"$1.by_topic"
    sort -s -k1,1 "$2" >"$2.by_topic"
    if ! diff -u "$1.by_topic" "$2.by_topic" >"$work/diff.txt"; then
        fail "$(basename "$2") differs from $(basename "$1") (per topic, in order): see diff.txt"
    fi
}

# The python3 with cbor2: Debian's python3-cbor2 serves /usr/bin/python3,
# which may not be the first python3 on PATH.
cbor_python() {
    local py
    for py in /usr/bin/python3 python3; do
        if "$py" -c 'import cbor2' >/dev/null 2>&1; then
            echo "$py"
            return 0
        fi
    done
    fail "no python3 with cbor2 (scripts/setup installs python3-cbor2)"
}

# sub_ready FILE NAME: waits until the mosquitto_sub -d running as peer
# NAME, writing to FILE, has its subscription acknowledged.
sub_ready() {
    local i
    for ((i = 0; i < WAIT_TRIES; i++)); do
        grep -q 'received SUBACK' "$1" && return 0
        kill -0 "${pids[$2]}" 2>/dev/null || fail "mosquitto_sub exited before subscribing"
        sleep 0.1
    done
    fail "mosquitto_sub got no SUBACK within $WAIT_TRIES tries"
}

# start_client NAME CMD...: a mosquitto client (or python) in the
# background, like start_peer.
start_client() {
    local n=$1
    shift
    timeout -k 5 "$PEER_TIMEOUT" "$@" >"$work/$n.out" 2>"$work/$n.err" &
    pids[$n]=$!
}

# ---------------------------------------------------------------------------
# The scenarios.

# recv ready, then send N at QoS Q; same lines, per topic in order.
exchange() { # exchange PORT COUNT QOS
    local port=$1 count=$2 qos=$3
    fifo ready
    start_peer recv recv --port "$port" --count "$count" --qos "$qos" --timeout-ms 30000 \
        --ready "$work/ready" --stats "$work/recv.stats"
    # shellcheck disable=SC2154
    await "$fd_ready" ready recv
    run_peer send send --port "$port" --count "$count" --qos "$qos" --stats "$work/send.stats" ||
        fail "send exited $?"
    expect_exit recv 0
    [ "$(wc -l <"$work/send.out")" -eq "$count" ] || fail "send printed $(wc -l <"$work/send.out") lines, not $count"
    same_per_topic "$work/send.out" "$work/recv.out"
}

scenario_two_processes_exchange_typed_signals() {
    local port
    port=$(fixture_port)
    exchange "$port" 200 1
}

scenario_qos0_stream_arrives_in_order() {
    local port
    port=$(fixture_port)
    exchange "$port" 50 0
}

scenario_retain_reaches_a_later_process() {
    # A broker of its own: a retained value left on the fixture's broker
    # would reach every later subscriber of that topic.
    own_broker "$work/broker"
    local port
    port=$(broker_port "$work/broker")
    # retain-send sends "first" then "last" and exits once the broker has
    # both (flushed at QoS 1): only then does retain-recv start.
    run_peer retain_send retain-send --port "$port" --qos 1 || fail "retain-send exited $?"
    grep -q 'state="last"' "$work/retain_send.out" || fail "retain-send did not print the value \"last\""
    run_peer retain_recv retain-recv --port "$port" --timeout-ms 20000 || fail "retain-recv exited $?"
    diff -u "$work/retain_send.out" "$work/retain_recv.out" >"$work/diff.txt" ||
        fail "retain-recv did not print the retained value: see diff.txt"
}

scenario_empty_retained_message_clears_the_value() {
    # A broker of its own, as above. retain-clear sends a retained value
    # and says ready once the broker has it; an empty retained publish by
    # another client then clears it on the broker and, through the bridge,
    # on retain-clear's bus.
    own_broker "$work/broker"
    local port
    port=$(broker_port "$work/broker")
    fifo ready
    start_peer clear retain-clear --port "$port" --qos 1 --timeout-ms 20000 --ready "$work/ready"
    # shellcheck disable=SC2154
    await "$fd_ready" ready clear
    mosquitto_pub -p "$port" -q 1 -r -n -t status/last || fail "mosquitto_pub exited $?"
    wait_peer clear || fail "retain-clear exited $?: see clear.err"
    grep -qx cleared "$work/clear.out" || fail "retain-clear did not print \"cleared\""
}

scenario_broker_restart_reconnects_and_counts_losses() {
    own_broker "$work/broker"
    local port count=400 pause=200 distinct dropped reconnects
    port=$(broker_port "$work/broker")
    fifo ready
    fifo paused
    fifo go
    start_peer recv recv --port "$port" --count "$count" --qos 1 --id sub1 --persistent --unique \
        --timeout-ms 40000 --ready "$work/ready" --stats "$work/recv.stats"
    await "$fd_ready" ready recv
    start_peer send send --port "$port" --count "$count" --qos 1 --pause-at "$pause" \
        --pause-out "$work/paused" --pause-in "$work/go" --stats "$work/send.stats"
    # shellcheck disable=SC2154
    await "$fd_paused" paused send
    broker_restart "$work/broker"
    # shellcheck disable=SC2154
    echo go >&"$fd_go"
    local send_rc=0 recv_rc=0 published summary
    wait_peer send || send_rc=$?
    [ -f "$work/send.stats" ] || fail "send exited $send_rc without writing its stats"
    reconnects=$(stat_of "$work/send.stats" reconnects)
    dropped=$(dropped_of "$work/send.stats")
    published=$(stat_of "$work/send.stats" published)
    summary="sender: exit $send_rc, published $published, dropped $dropped, reconnects $reconnects"
    # Judged as soon as the sender is done: a receiver waiting for messages
    # that were dropped would only time out.
    [ "$send_rc" -eq 0 ] || fail "send failed ($summary)"
    [ "$reconnects" -ge 1 ] || fail "the sender did not reconnect across a broker restart ($summary)"
    [ "$dropped" -eq 0 ] || fail "the sender dropped messages at QoS 1 with the default bound ($summary)"
    [ "$((published + dropped))" -eq "$count" ] ||
        fail "published and dropped do not add up to the $count sent ($summary)"

    wait_peer recv || recv_rc=$?
    # QoS 1 may deliver twice after a reconnect; recv --unique prints each
    # distinct message once.
    distinct=$(sort -u "$work/recv.out" | wc -l)
    summary+="; receiver: exit $recv_rc, $distinct distinct messages"
    [ "$distinct" -eq "$((count - dropped))" ] ||
        fail "the receiver did not get every message the sender did not drop ($summary)"
    [ "$recv_rc" -eq 0 ] || fail "recv failed ($summary)"
    sort -u "$work/send.out" >"$work/sent.sorted"
    sort -u "$work/recv.out" >"$work/received.sorted"
    diff -u "$work/sent.sorted" "$work/received.sorted" >"$work/diff.txt" ||
        fail "recv's messages are not the ones sent: see diff.txt"
}

scenario_two_bridged_brokers_carry_signals() {
    own_broker "$work/a"
    local pa pb probe i
    pa=$(broker_port "$work/a")
    # B carries every topic both ways to A over mosquitto's own bridge, at
    # QoS 1 so that the bridge loses nothing the peers sent at QoS 1.
    cat >"$work/bridge.conf" <<EOF
connection a
address 127.0.0.1:$pa
topic # both 1
bridge_protocol_version mqttv311
try_private true
cleansession true
restart_timeout 1
notifications false
EOF
    own_broker "$work/b" "$work/bridge.conf"
    pb=$(broker_port "$work/b")

    # The bridge is up when a probe published on A arrives on B: publish
    # probes until the subscriber on B has one.
    probe="signet-probe/$$"
    start_client probe mosquitto_sub -h 127.0.0.1 -p "$pb" -t "$probe" -C 1 -W 30
    for ((i = 0; i < WAIT_TRIES; i++)); do
        kill -0 "${pids[probe]}" 2>/dev/null || break
        mosquitto_pub -h 127.0.0.1 -p "$pa" -t "$probe" -m "$i" >>"$work/probe_pub.err" 2>&1 || true
        sleep 0.1
    done
    expect_exit probe 0

    fifo ready
    start_peer recv recv --port "$pb" --count 200 --qos 1 --timeout-ms 30000 \
        --ready "$work/ready" --stats "$work/recv.stats"
    await "$fd_ready" ready recv
    run_peer send send --port "$pa" --count 200 --qos 1 --stats "$work/send.stats" ||
        fail "send exited $?"
    expect_exit recv 0
    same_per_topic "$work/send.out" "$work/recv.out"
}

tls_broker() { # tls_broker: a TLS broker with user signet, password "right one"
    local conf
    conf=$(broker_tls_conf "$work/tls" signet "right one")
    own_broker "$work/tls" "$conf"
}

scenario_tls_password_right_credentials_work() {
    tls_broker
    run_peer connect connect --port "$(broker_port "$work/tls")" --ca "$work/tls/ca.crt" \
        --user signet --pass "right one" --timeout-ms 20000 || fail "connect exited $?"
}

scenario_tls_password_wrong_credentials_are_refused() {
    tls_broker
    local rc=0
    run_peer connect connect --port "$(broker_port "$work/tls")" --ca "$work/tls/ca.crt" \
        --user signet --pass "wrong one" --timeout-ms 20000 || rc=$?
    [ "$rc" -eq 2 ] || fail "connect with a wrong password exited $rc, expected 2 (refused)"
    grep -qi refused "$work/connect.err" || fail "connect's stderr does not say the broker refused it"
}

scenario_cbor2_decodes_what_signet_publishes() {
    local port py topics=() t args=()
    port=$(fixture_port)
    py=$(cbor_python)
    # The topics of the sequence's first messages, one each.
    mapfile -t topics < <("$py" "$here/cbor_peer.py" capture-topics)
    for t in "${topics[@]}"; do
        args+=(-t "$t")
    done
    # -d prints "received SUBACK" once subscribed (line-buffered: stdout is
    # a file); messages are the lines starting with "MSG ".
    start_client sub stdbuf -oL mosquitto_sub -d -h 127.0.0.1 -p "$port" -q 1 -C "${#topics[@]}" -W 30 \
        -F 'MSG %t %x' "${args[@]}"
    sub_ready "$work/sub.out" sub
    run_peer send send --port "$port" --count "${#topics[@]}" --qos 1 || fail "send exited $?"
    expect_exit sub 0
    sed -n 's/^MSG //p' "$work/sub.out" >"$work/captured.txt"
    "$py" "$here/cbor_peer.py" check-decoded "$work/captured.txt" >"$work/check.out" 2>"$work/check.err" ||
        fail "cbor2 does not read what signet published as documented: see check.err"
}

scenario_signet_receives_what_cbor2_encodes() {
    local port py topic
    port=$(fixture_port)
    py=$(cbor_python)
    "$py" "$here/cbor_peer.py" encode "$work/encoded" >"$work/encoded.txt"
    fifo ready
    start_peer recv recv --port "$port" --count "$(wc -l <"$work/encoded.txt")" --qos 1 \
        --timeout-ms 20000 --ready "$work/ready" --stats "$work/recv.stats"
    await "$fd_ready" ready recv
    # encoded.txt: one "TOPIC FILE" line per message, in order.
    while read -r topic file; do
        mosquitto_pub -h 127.0.0.1 -p "$port" -q 1 -t "$topic" -f "$file" ||
            fail "mosquitto_pub of $file on $topic failed"
    done <"$work/encoded.txt"
    expect_exit recv 0
    "$py" "$here/cbor_peer.py" expected-lines >"$work/expected.txt"
    diff -u "$work/expected.txt" "$work/recv.out" >"$work/diff.txt" ||
        fail "recv did not print what cbor2 encoded: see diff.txt"
}

scenario_malformed_payloads_are_counted() {
    local port py decode unknown topic file
    port=$(fixture_port)
    py=$(cbor_python)
    # malformed.txt: "TOPIC FILE" per bad message; the last line is the
    # unknown topic's.
    "$py" "$here/cbor_peer.py" malformed "$work/bad" >"$work/malformed.txt"
    unknown=$("$py" "$here/cbor_peer.py" unknown-count)
    decode=$(($(wc -l <"$work/malformed.txt") - unknown))
    fifo ready
    start_peer expect expect-errors --port "$port" --decode "$decode" --unknown "$unknown" \
        --timeout-ms 20000 --ready "$work/ready"
    await "$fd_ready" ready expect
    while read -r topic file; do
        mosquitto_pub -h 127.0.0.1 -p "$port" -q 1 -t "$topic" -f "$file" ||
            fail "mosquitto_pub of $file on $topic failed"
    done <"$work/malformed.txt"
    expect_exit expect 0
}

scenario_exports_mqtt_cannot_carry_are_counted() {
    local port
    port=$(fixture_port)
    fifo ready
    start_peer recv recv --port "$port" --count 1 --qos 1 --timeout-ms 20000 \
        --ready "$work/ready"
    await "$fd_ready" ready recv
    run_peer bad bad-exports --port "$port" --qos 1 --stats "$work/bad.stats" ||
        fail "bad-exports exited $?"
    expect_exit recv 0
    diff -u "$work/bad.out" "$work/recv.out" >"$work/diff.txt" ||
        fail "the good export after the bad ones did not arrive: see diff.txt"
    [ "$(stat_of "$work/bad.stats" dropped_topic)" -eq 6 ] ||
        fail "expected 6 exports counted as dropped_topic"
    [ "$(stat_of "$work/bad.stats" reconnects)" -eq 0 ] ||
        fail "the connection did not stay up"
    [ "$(stat_of "$work/bad.stats" published)" -eq 1 ] || fail "expected 1 published"
}

# examples/mqtt/ as a user runs it: its dashboard, once subscribed, prints
# the mode and each reading its sensor publishes, and the too_hot alarm it
# raises locally. SIGNET_MQTT_EXAMPLE is the example's program (set by
# CMakeLists.txt). home/mode is retained, so the fixture's broker is left
# without it, as it was found.
scenario_example_sensor_reaches_dashboard() {
    local example=${SIGNET_MQTT_EXAMPLE:-} port i
    [ -x "$example" ] || fail "SIGNET_MQTT_EXAMPLE ('$example') is not the example's program"
    port=$(fixture_port)
    mosquitto_pub -h 127.0.0.1 -p "$port" -q 1 -r -n -t home/mode || fail "clearing home/mode failed"
    start_client dashboard "$example" dashboard --port "$port" --count 5
    # Ready once it says so (its stdout is line-buffered).
    for ((i = 0; ; i++)); do
        grep -qx 'dashboard: ready' "$work/dashboard.out" && break
        kill -0 "${pids[dashboard]}" 2>/dev/null || fail "the dashboard exited before it was ready"
        [ "$i" -lt "$WAIT_TRIES" ] || fail "the dashboard was not ready within $WAIT_TRIES tries"
        sleep 0.1
    done
    timeout -k 5 "$PEER_TIMEOUT" "$example" sensor --port "$port" --count 5 \
        >"$work/sensor.out" 2>"$work/sensor.err" || fail "the sensor exited $?"
    expect_exit dashboard 0
    mosquitto_pub -h 127.0.0.1 -p "$port" -q 1 -r -n -t home/mode || fail "clearing home/mode failed"
    cat >"$work/expected_sensor.txt" <<'EOF'
sensor: the house is in mode "home"
sensor: kitchen sensor 1 reads 20.0 C
sensor: hall sensor 2 reads 21.5 C
sensor: attic sensor 1 reads 23.0 C
sensor: kitchen sensor 2 reads 24.5 C
sensor: hall sensor 1 reads 26.0 C
sensor: 6 messages published
EOF
    cat >"$work/expected_dashboard.txt" <<'EOF'
dashboard: ready
dashboard: the house is in mode "home"
dashboard: kitchen sensor 1 reads 20.0 C
dashboard: hall sensor 2 reads 21.5 C
dashboard: attic sensor 1 reads 23.0 C
dashboard: kitchen sensor 2 reads 24.5 C
dashboard: hall sensor 1 reads 26.0 C
dashboard: too hot in the hall: 26.0 C
dashboard: 5 readings, mean 23.0 C
EOF
    diff -u "$work/expected_sensor.txt" "$work/sensor.out" >"$work/diff.txt" ||
        fail "the sensor did not print the expected lines: see diff.txt"
    diff -u "$work/expected_dashboard.txt" "$work/dashboard.out" >"$work/diff.txt" ||
        fail "the dashboard did not print the expected lines: see diff.txt"
    if [ -s "$work/sensor.err" ] || [ -s "$work/dashboard.err" ]; then
        fail "the sensor or the dashboard wrote to stderr"
    fi
}

fn="scenario_$name"
declare -F "$fn" >/dev/null || { echo "scenario.sh: no scenario '$name'" >&2; exit 2; }

# The scenario and the exit on one line: once the scenario runs, bash reads
# nothing more of this file, so an edit of it during a run (a checkout, an
# editor) cannot change what runs.
"$fn"; echo "ok: $name"; exit 0
