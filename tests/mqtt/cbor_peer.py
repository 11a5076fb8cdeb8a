#!/usr/bin/python3
"""tests/mqtt/cbor_peer.py: the other side of signet's wire format, written
with cbor2 (an independent CBOR library) from docs/wire.md and
tests/mqtt/mqtt.signet alone, for scenario.sh. It never touches the network:
mosquitto_sub and mosquitto_pub carry the bytes.

  cbor_peer.py capture-topics      the topics of the first messages of
                                   `mqtt_peer send`, one a line
  cbor_peer.py check-decoded FILE  FILE: "TOPIC HEX" lines (mosquitto_sub
                                   -F '%t %x'); each payload must decode to
                                   its documented map, and be exactly the
                                   deterministic encoding of it
  cbor_peer.py encode DIR          writes messages made by cbor2 into DIR,
                                   prints "TOPIC FILE" per message
  cbor_peer.py expected-lines      the lines `mqtt_peer recv` prints for them
  cbor_peer.py malformed DIR       writes bad messages into DIR, prints
                                   "TOPIC FILE" per message
  cbor_peer.py unknown-count       how many of those are on topics that are
                                   no signal's (the others are decode errors)

The schema, as the wire sees it (field numbers count from 1; captured
parameters travel in the topic, not in the map):

  enum level { low = 0, mid = 5, high = -3 }
  struct point { i32 x = 1; i32 y = 2; }
  struct shape { str name = 1; point corners[3] = 2; level lvl = 3; }
  reading(str room = 1, u32 sensor = 2, f64 celsius = 3, level lvl = 4, u32 seq = 5)
      topic "home/{room}/sensor/{sensor}"
  note(str text = 1, str tags[2] = 2, u32 seq = 3)  topic "notes"
  drawing(shape s = 1, u8 raw[4] = 2, bool ok = 3, i64 big = 4, f32 scale = 5,
          u32 seq = 6)  topic "draw/{seq}"
  probe  topic "probe"  (no parameters: an empty map)
"""
import os
import struct
import sys

import cbor2

MID, HIGH = 5, -3


class F32(float):
    """A value of an f32 field: signet writes it as a single (0xfa)."""


def _default(encoder, value):
    raise TypeError("cannot encode %r" % (value,))


def encode(value):
    """The deterministic encoding of docs/wire.md, by cbor2: maps in the
    given (ascending) key order, shortest heads, f64 as doubles (cbor2's
    default), f32 as singles."""
    def walk(v):
        if isinstance(v, F32):
            return _Raw(b"\xfa" + struct.pack(">f", v))
        if isinstance(v, dict):
            return {k: walk(x) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        return v

    def default(encoder, value):
        if isinstance(value, _Raw):
            encoder.write(value.data)
        else:
            _default(encoder, value)

    return cbor2.dumps(walk(value), default=default)


class _Raw:
    def __init__(self, data):
        self.data = data


def same(want, got):
    """Equal values of the same CBOR kinds (True is not 1, 1.0 is not 1)."""
    if isinstance(want, F32):
        return type(got) is float and got == float(want)
    if type(want) is not type(got):
        return False
    if isinstance(want, dict):
        return list(want) == list(got) and all(same(want[k], got[k]) for k in want)
    if isinstance(want, list):
        return len(want) == len(got) and all(same(a, b) for a, b in zip(want, got))
    return want == got


# ---------------------------------------------------------------------------
# What `mqtt_peer send` publishes first (peer.c, send_one(): message i of the
# sequence): topic -> the map its payload must be, keys in ascending order.

PUBLISHED = {
    # i = 0: the probe, no parameters.
    "probe": {},
    # i = 1: room "kitchen" and sensor 1 are in the topic; celsius
    # 1 * 0.25 - 10, lvl mid, seq 1.
    "home/kitchen/sensor/1": {3: -9.75, 4: MID, 5: 1},
    # i = 2: text, tags ["t2", "even"], seq 2.
    "notes": {1: 'note #2 \u00fc with "quotes"', 2: ["t2", "even"], 3: 2},
    # i = 3: seq 3 is in the topic.
    "draw/3": {
        1: {1: "shape3", 2: [{1: 3, 2: -3}, {1: 6, 2: 3}, {1: -7, 2: 3}], 3: MID},
        2: [3, 1, 2, 255],
        3: True,
        4: -3 * 1000000007,
        5: F32(0.375),
    },
}


def capture_topics():
    for topic in PUBLISHED:
        print(topic)


def check_decoded(path):
    seen = {}
    errors = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            topic, _, hexdata = line.rpartition(" ")
            raw = bytes.fromhex(hexdata)
            if topic in seen:
                errors.append("%s: a second message" % topic)
                continue
            seen[topic] = raw
            if topic not in PUBLISHED:
                errors.append("%s: not a topic the sequence starts with" % topic)
                continue
            want = PUBLISHED[topic]
            try:
                got = cbor2.loads(raw)
            except Exception as e:  # cbor2 raises several kinds
                errors.append("%s: cbor2 cannot decode %s: %s" % (topic, hexdata, e))
                continue
            if not same(want, got):
                errors.append("%s: decodes to %r, expected %r" % (topic, got, want))
            if raw != encode(want):
                errors.append("%s: %s is not the deterministic encoding %s"
                              % (topic, hexdata, encode(want).hex()))
            print("%s %s %r" % (topic, hexdata, got))
    for topic in PUBLISHED:
        if topic not in seen:
            errors.append("%s: no message captured" % topic)
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


# ---------------------------------------------------------------------------
# What cbor2 writes and signet must read, with what `mqtt_peer recv` prints
# for each (peer.c, line_of()). Beyond the encoder's own output: keys out of
# order, an unknown key, a missing key (reads as zero), a null str, a half
# float for an f64, a double that is exactly a float for an f32.

def _half(x):
    return b"\xf9" + struct.pack(">e", x)


ENCODED = [
    ("home/hall/sensor/42", cbor2.dumps({5: 7, 3: 21.5, 4: HIGH}),
     "home/hall/sensor/42 reading room=hall sensor=42 celsius=21.5 lvl=-3 seq=7"),
    ("home/b\u00e4d/sensor/0", b"\xa1\x03" + _half(-0.5),
     "home/b\u00e4d/sensor/0 reading room=b\u00e4d sensor=0 celsius=-0.5 lvl=0 seq=0"),
    ("notes", cbor2.dumps({1: "gr\u00fc\u00dfe", 2: ["a", None], 3: 9, 99: "a newer field"}),
     'notes note text="gr\u00fc\u00dfe" tags="a",null seq=9'),
    ("draw/11", cbor2.dumps({
        1: {1: "tri", 2: [{1: 1, 2: 2}, {1: -3, 2: 4}, {2: 6}], 3: 0},
        2: [9, 8, 7, 6],
        3: False,
        4: -(2 ** 40),
        5: 1.5,
    }), 'draw/11 drawing name="tri" corners=(1,2)(-3,4)(0,6) lvl=0 raw=9,8,7,6 ok=0'
        ' big=-1099511627776 scale=1.5 seq=11'),
    ("probe", cbor2.dumps({}), "probe probe"),
]


def write_messages(directory, messages):
    os.makedirs(directory, exist_ok=True)
    for n, (topic, data, *_rest) in enumerate(messages):
        path = os.path.join(directory, "%02d.cbor" % n)
        with open(path, "wb") as f:
            f.write(data)
        print("%s %s" % (topic, path))


# ---------------------------------------------------------------------------
# Bad messages, each on an imported signal's topic (a decode error, nothing
# posted), then valid payloads on topics the bridge's subscriptions match but
# no signal does (unknown topics).

DEEP = 200  # over SIGNET_WIRE_MAX_DEPTH (128)

MALFORMED = [
    # random bytes: 0x1c is a reserved head
    ("notes", bytes.fromhex("1cff9e004137d2")),
    # a truncated map: text of 5 bytes with 2 there
    ("notes", bytes.fromhex("a301656865")),
    # a map of two pairs with one
    ("home/kitchen/sensor/1", bytes.fromhex("a203fb4035800000000000")),
    # wrong types: text for the f64 celsius, an integer for the bool ok
    ("home/kitchen/sensor/1", cbor2.dumps({3: "21.5"})),
    ("draw/1", cbor2.dumps({3: 1})),
    # an array of the wrong length for raw[4]
    ("draw/1", cbor2.dumps({2: [1, 2, 3]})),
    # not a map
    ("notes", cbor2.dumps(["text", ["a", "b"], 1])),
    # out of range: u32 seq -1, an enum over a C int
    ("home/kitchen/sensor/1", cbor2.dumps({5: -1})),
    ("home/kitchen/sensor/1", cbor2.dumps({4: 2 ** 40})),
    # a huge length header: text of 2^64 - 1 bytes, a map of 2^63 - 1 pairs
    ("notes", bytes.fromhex("a1017bffffffffffffffff")),
    ("notes", bytes.fromhex("bb7fffffffffffffff")),
    # deep nesting, in a key the decoder does not know (so it must skip it)
    ("notes", b"\xa1\x19\xff\xff" + b"\x81" * DEEP + b"\x00"),
    # invalid UTF-8 in a string: a cut two-byte sequence, an overlong NUL
    ("notes", b"\xa1\x01\x62\xc3\x28"),
    ("draw/2", b"\xa1\x01\xa1\x01\x62\xc0\x80"),
    # one field number twice
    ("home/kitchen/sensor/1", bytes.fromhex("a205010502")),
    # bytes after the map
    ("probe", bytes.fromhex("a000")),
]

UNKNOWN = [
    # a u32 capture must be canonical decimal: 007 is no reading's sensor
    ("home/kitchen/sensor/007", cbor2.dumps({})),
    # and fit a u32
    ("draw/4294967296", cbor2.dumps({})),
]


def main(argv):
    if len(argv) == 2 and argv[1] == "capture-topics":
        capture_topics()
    elif len(argv) == 3 and argv[1] == "check-decoded":
        return check_decoded(argv[2])
    elif len(argv) == 3 and argv[1] == "encode":
        write_messages(argv[2], ENCODED)
    elif len(argv) == 2 and argv[1] == "expected-lines":
        for _topic, _data, line in ENCODED:
            print(line)
    elif len(argv) == 3 and argv[1] == "malformed":
        write_messages(argv[2], MALFORMED + UNKNOWN)
    elif len(argv) == 2 and argv[1] == "unknown-count":
        print(len(UNKNOWN))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
