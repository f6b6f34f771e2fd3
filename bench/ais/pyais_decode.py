#!/usr/bin/env python3
"""Decodes an NMEA file with pyais and writes one JSON object per message (the pyais side
of compare.sh). usage: pyais_decode.py FILE > out.json"""

import json
import sys

from pyais.stream import FileReaderStream


def main():
    out = sys.stdout
    for msg in FileReaderStream(sys.argv[1]):
        try:
            decoded = msg.decode()
        except Exception:  # noqa: BLE001 - count-and-continue like the other decoders
            continue
        out.write(json.dumps(decoded.asdict(), default=str))
        out.write("\n")


if __name__ == "__main__":
    main()
