#!/usr/bin/env python3
"""Print a JSON answer body for the integration tests.

    mkbody.py SURVEY.json [path=JSON ...] [-path ...]
    mkbody.py --form SURVEY.json [key=value ...] [-key ...]

Starts from a complete, valid answer to the survey (agency A01, domain
market) and applies edits: `answers.overall=6` sets a member (the value is
JSON, or a bare string when it is not JSON), `-answers.legality` deletes one.
With --form it prints the same answer as an HTML form post
(application/x-www-form-urlencoded, multi answers as repeated keys, context
in _agency and _domain); edits then name form fields and values are raw.
"""
import json
import sys
import urllib.parse

form = sys.argv[1] == "--form"
if form:
    sys.argv.pop(1)
survey = json.load(open(sys.argv[1]))
answers = {}
for item in survey["items"]:
    t = item["type"]
    if t == "scale":
        answers[item["id"]] = 4
    elif t == "choice":
        answers[item["id"]] = item["options"][0]["value"]
    elif t == "multi":
        answers[item["id"]] = [o["value"] for o in item["options"][:2]]
    else:
        answers[item["id"]] = "执法人员态度很好 <b>\"ok\"</b>"
body = {"survey": survey["id"], "agency": "A01", "domain": "market", "answers": answers}

if form:
    fields = {"_agency": ["A01"], "_domain": ["market"]}
    for k, v in answers.items():
        fields[k] = [str(x) for x in v] if isinstance(v, list) else [str(v)]
    for edit in sys.argv[2:]:
        if edit.startswith("-"):
            fields.pop(edit[1:], None)
        else:
            k, _, v = edit.partition("=")
            fields[k] = [v]
    pairs = [(k, x) for k, vs in fields.items() for x in vs]
    print(urllib.parse.urlencode(pairs, encoding="utf-8", errors="surrogateescape"))
    sys.exit(0)

for edit in sys.argv[2:]:
    if edit.startswith("-"):
        *parents, last = edit[1:].split(".")
        node = body
        for p in parents:
            node = node[p]
        node.pop(last, None)
        continue
    path, _, raw = edit.partition("=")
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    *parents, last = path.split(".")
    node = body
    for p in parents:
        node = node[p]
    node[last] = value

print(json.dumps(body, ensure_ascii=False))
