#!/usr/bin/python3
"""Check a live response against the OpenAPI document.

    openapi_check.py OPENAPI.json METHOD PATH-TEMPLATE STATUS BODY-FILE

Fails (exit 1, with the reason) when the document does not describe that
status for that operation, or when a JSON body does not match its schema.
Uses Debian's python3-jsonschema (JSON Schema 2020-12, as OpenAPI 3.1 does).
"""
import json
import sys

import jsonschema

spec_path, method, path, status, body_path = sys.argv[1:6]
spec = json.load(open(spec_path))
op = spec["paths"].get(path, {}).get(method.lower())
if op is None:
    sys.exit("no operation %s %s in the document" % (method, path))
resp = op["responses"].get(status)
if resp is None:
    sys.exit("%s %s: status %s is not documented" % (method, path, status))
content = resp.get("content", {})
if "application/json" in content:
    schema = content["application/json"]["schema"]
    body = json.load(open(body_path))
    # Resolve #/components/... against the whole document.
    wrapped = dict(schema)
    wrapped["components"] = spec["components"]
    validator = jsonschema.Draft202012Validator(wrapped)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
    if errors:
        e = errors[0]
        sys.exit("%s %s %s: %s at %s" % (method, path, status, e.message[:300], list(e.path)))
print("ok")
