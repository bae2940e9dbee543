#!/usr/bin/env python3
"""Checks what the webhook receiver got: a delivery of an artifact.pushed CloudEvent whose Standard
Webhooks signature verifies with the subscription's secret. Prints the registry event id.
Usage: webhook-check.py RECEIVED_FILE SECRET    (exit 1 when no such delivery is there)"""
import base64
import hashlib
import hmac
import json
import sys

secret = base64.b64decode(sys.argv[2].removeprefix("whsec_"))
try:
    lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
except FileNotFoundError:
    lines = []
for line in lines:
    r = json.loads(line)
    h, body = r["headers"], r["body"]
    event = json.loads(body)
    if event.get("type") != "io.wharf.artifact.pushed":
        continue
    signed = f'{h["webhook-id"]}.{h["webhook-timestamp"]}.{body}'.encode()
    expected = base64.b64encode(hmac.new(secret, signed, hashlib.sha256).digest()).decode()
    given = [s.split(",", 1)[1] for s in h.get("webhook-signature", "").split() if s.startswith("v1,")]
    if expected not in given:
        print("signature does not verify:", h.get("webhook-signature"), file=sys.stderr)
        sys.exit(1)
    print(event["id"])
    sys.exit(0)
sys.exit(1)
