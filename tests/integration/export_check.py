#!/usr/bin/python3
"""Read every export back with tools that share no code with manyi and
compare it with the database.

    export_check.py DB OUTDIR SECRETS

OUTDIR holds SURVEY.LANG.FORMAT files (and SURVEY.bom.csv) written by
`manyi export`.  The expected data is built here from the database alone:
the answers as stored, the text hygiene of include/export.h done again in
Python, and the weights of every weighting recomputed (base N_h/n_h,
post-stratification to agency x domain, raking on agency, domain and size
from the base weights by iterative proportional fitting).  Each export is
read back with
    csv / json            Python's csv and json modules
    xlsx                  openpyxl (Debian python3-openpyxl)
    sav, dta              Debian's readstat (data, via CSV) and
                          extract_metadata (variable and value labels); for
                          .dta the "not applicable" code .a is read from the
                          file's bytes by the small reader below
SECRETS lists strings that must appear in no file: invitation tokens, API
keys, encounter ids, internal response ids, hashes (as "hex:...").

Prints one line per check: PASS<TAB>what, or FAIL<TAB>what<TAB>why.
"""
import csv
import datetime
import io
import json
import math
import os
import re
import sqlite3
import struct
import subprocess
import sys
import tempfile
import zipfile

import openpyxl

DB, OUT, SECRETS = sys.argv[1:4]
SURVEYS = ["enforcement-enterprise", "enforcement-public", "names"]
LANGS = ["zh", "en"]
WEIGHTINGS = ["none", "base", "poststrat", "rake"]
FIXED = ["response_id", "survey_version", "channel", "submitted_at", "agency", "domain", "size",
         "district", "outcome", "date", "in_sample", "excluded", "excluded_reason"]
RESERVED = {"all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with",
            "byte", "double", "float", "if", "in", "int", "long", "strl", "using"}
NA_SAV = 99


def say(ok, what, why=""):
    why = re.sub(r"[\t\r\n]+", " ", str(why))[:600]
    print(("PASS\t%s" % what) if ok else ("FAIL\t%s\t%s" % (what, why)), flush=True)
    return ok


# ---------------------------------------------------------------- the text rules

BIDI = {0x061C, 0x200E, 0x200F} | set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))


def clean(b):
    """include/export.h's text hygiene, from the stored bytes."""
    if b is None:
        return None
    s = b.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
    return "".join("\ufffd" if (ord(c) < 0x20 and c not in "\t\n") or 0x7F <= ord(c) <= 0x9F
                   or ord(c) in BIDI else c for c in s)


def formula_risk(s):
    return s != "" and s[0] in "=+-@\t\r"


# ---------------------------------------------------------------- the database

con = sqlite3.connect("file:%s?mode=ro" % DB, uri=True)
con.text_factory = bytes


def txt(b):
    return None if b is None else b.decode("utf-8")


def definition(survey):
    """The columns' definition: the latest version's items in its order, then
    the items only older versions have (newest version first) with their
    latest texts; choice and multi options of the latest definition first,
    then those only older ones had; "not applicable" when any version
    allowed it (include/export.h)."""
    defs = [json.loads(d) for (d,) in con.execute(
        "SELECT definition FROM survey WHERE id = ? ORDER BY version DESC", (survey,))]
    merged = defs[0]
    for old in defs[1:]:
        have = {it["id"]: it for it in merged["items"]}
        for it in old["items"]:
            m = have.get(it["id"])
            if m is None:
                merged["items"].append(json.loads(json.dumps(it)))
            elif m["type"] == it["type"]:
                if it.get("allow_na"):
                    m["allow_na"] = True
                values = {o["value"] for o in m.get("options", [])}
                m.get("options", []).extend(o for o in it.get("options", []) if o["value"] not in values)
    return merged


def columns(defn):
    """(kind, item, option index) in export order."""
    cols = [("fixed", f, None) for f in FIXED]
    for it in defn["items"]:
        if it["type"] == "multi":
            cols += [("multi", it, j) for j in range(len(it["options"]))]
        else:
            cols.append((it["type"], it, None))
    cols += [("weight", w, None) for w in WEIGHTINGS]
    cols.append(("stratum", "stratum_n", None))
    return cols


def registry(kind, lang):
    """The registry's (code, name) of agency or domain in code order, names cleaned."""
    return [(txt(c), clean(n)) for c, n in con.execute(
        "SELECT code, name_%s FROM %s ORDER BY code" % (lang, kind))]


def with_registry(fmt, lang, cols, names, want):
    """cols, names and rows with the registry's columns of fmt after agency and
    domain: their names in xlsx (agency_name), their numbers in sav and dta
    (agency_code, 1 + the index in code order, labelled with the name)."""
    if fmt not in ("xlsx", "sav", "dta"):
        return cols, names, want
    kind = "name" if fmt == "xlsx" else "code"
    cols, names, want = list(cols), list(names), [list(r) for r in want]
    for what in ("domain", "agency"):
        at = cols.index(("fixed", what, None))
        reg = registry(what, lang)
        number = {c: k + 1 for k, (c, _) in enumerate(reg)}
        cols.insert(at + 1, (kind, what, reg))
        names.insert(at + 1, "%s_%s" % (what, kind))
        for r in want:
            v = r[at]
            r.insert(at + 1, None if v is None else (dict(reg)[v] if kind == "name" else number[v]))
    return cols, names, want


def in_period(day, period):
    return period is None or (period[0] <= day <= period[1])


def weights(rows, period=None):
    """Every weighting for each response id; None when it cannot be computed
    (R's postStratify and rake stop on an empty or unpopulated cell)."""
    enc = con.execute("SELECT agency, domain, size, occurred_on FROM encounter").fetchall()
    enc = [tuple(txt(v) for v in e[:3]) for e in enc if in_period(txt(e[3]), period)]
    out = {r["id"]: {"none": 1.0} for r in rows}
    linked = [r for r in rows if r["linked"]]
    for r in rows:
        for w in WEIGHTINGS[1:]:
            out[r["id"]][w] = 0.0 if linked else None
    if not linked:
        return out

    def count(keyf, items):
        c = {}
        for x in items:
            c[keyf(x)] = c.get(keyf(x), 0) + 1
        return c

    def fail(w):
        for r in rows:
            out[r["id"]][w] = None

    N_a = count(lambda e: e[0], enc)
    n_a = count(lambda r: r["agency"], linked)
    base = {r["id"]: N_a[r["agency"]] / n_a[r["agency"]] for r in linked}
    N_ad = count(lambda e: (e[0], e[1]), enc)
    n_ad = count(lambda r: (r["agency"], r["domain"]), linked)
    for r in linked:
        out[r["id"]]["base"] = base[r["id"]]
        if set(N_ad) == set(n_ad):
            out[r["id"]]["poststrat"] = N_ad[(r["agency"], r["domain"])] / n_ad[(r["agency"], r["domain"])]
    if set(N_ad) != set(n_ad):
        fail("poststrat")
    margins = [(lambda x: x[0], lambda r: r["agency"]), (lambda x: x[1], lambda r: r["domain"]),
               (lambda x: x[2], lambda r: r["size"])]
    pops = [count(kf, enc) for kf, _ in margins]
    if any(set(pop) != set(count(rf, linked)) for (_, rf), pop in zip(margins, pops)):
        fail("rake")
        return out
    w = dict(base)
    for _ in range(10000):
        before = dict(w)
        for (_, rf), pop in zip(margins, pops):
            tot = {}
            for r in linked:
                tot[rf(r)] = tot.get(rf(r), 0.0) + w[r["id"]]
            for r in linked:
                w[r["id"]] *= pop[rf(r)] / tot[rf(r)]
        if max(abs(w[k] - before[k]) / before[k] for k in w) < 1e-15:
            break
    for r in linked:
        out[r["id"]]["rake"] = w[r["id"]]
    return out


def utc8_day(submitted):
    t = datetime.datetime.strptime(submitted[:19], "%Y-%m-%dT%H:%M:%S")
    return (t + datetime.timedelta(hours=8)).strftime("%Y-%m-%d")


def expected(survey, period=None):
    """The rows of survey (within period: (from, to), dated by the encounter,
    else the submission day in UTC+8) as the export must show them: one list
    per response, a logical value per column (None, "na", int, float, str)."""
    defn = definition(survey)
    cols = columns(defn)
    rows = []
    for (rid, pid, ver, ch, sub, ag, dom, size, dist, outc, eid, day, why) in con.execute(
            "SELECT r.id, r.public_id, r.survey_version, r.channel, r.submitted_at, r.agency, r.domain,"
            " coalesce(e.size, r.size), e.district, e.outcome, r.encounter_id, e.occurred_on,"
            " (SELECT reason FROM exclusion x WHERE x.resp = r.id)"
            " FROM response r LEFT JOIN encounter e ON e.id = r.encounter_id"
            " WHERE r.survey_id = ? ORDER BY r.id", (survey,)):
        date = txt(day) if day is not None else utc8_day(txt(sub))
        if not in_period(date, period):
            continue
        rows.append({"id": rid, "linked": eid is not None, "agency": txt(ag), "domain": txt(dom),
                     "size": txt(size),
                     "fixed": {"response_id": txt(pid), "survey_version": ver, "channel": clean(ch),
                               "submitted_at": clean(sub), "agency": clean(ag), "domain": clean(dom),
                               "size": clean(size), "district": clean(dist), "outcome": clean(outc),
                               "date": date, "in_sample": 1 if eid is not None else 0,
                               "excluded": 0 if why is None else 1, "excluded_reason": clean(why)}})
    ans = {}
    for (rid, item, seq, num, text, na) in con.execute(
            "SELECT a.response_id, a.item, a.seq, a.num, a.text, a.na FROM answer a"
            " JOIN response r ON r.id = a.response_id WHERE r.survey_id = ?", (survey,)):
        ans.setdefault(rid, {}).setdefault(txt(item), []).append((seq, num, text, na))
    ans = {r["id"]: ans.get(r["id"], {}) for r in rows}
    W = weights(rows, period)
    # N_h: the encounters registered for the agency within the period.
    N_h = {}
    for (ag, occurred) in con.execute("SELECT agency, occurred_on FROM encounter"):
        if in_period(txt(occurred), period):
            N_h[txt(ag)] = N_h.get(txt(ag), 0) + 1
    points = defn["scale"]["points"]
    result = []
    for r in rows:
        a = ans.get(r["id"], {})
        vals = []
        for kind, it, j in cols:
            if kind == "fixed":
                vals.append(r["fixed"][it])
            elif kind == "weight":
                vals.append(W[r["id"]][it])
            elif kind == "stratum":
                vals.append(N_h[r["agency"]] if r["linked"] else None)
            elif it["id"] not in a:
                vals.append(None)
            elif kind == "scale":
                seq, num, text, na = a[it["id"]][0]
                vals.append("na" if na else (num if num is not None and 1 <= num <= points else None))
            elif kind == "choice":
                t = a[it["id"]][0][2]
                vals.append(clean(t) if t is not None else None)
            elif kind == "multi":
                chosen = {clean(t) for (_, _, t, _) in a[it["id"]] if t is not None}
                vals.append(1 if it["options"][j]["value"] in chosen else 0)
            else:  # text
                t = [t for (seq, _, t, _) in a[it["id"]] if seq == 0]
                vals.append(clean(t[0]) if t and t[0] is not None else "")
        result.append(vals)
    return defn, cols, result


# ---------------------------------------------------------------- comparing

def close(a, b):
    return abs(a - b) <= 1e-12 * max(1.0, abs(b))


def choice_code(it, v):
    for k, o in enumerate(it["options"]):
        if o["value"] == v:
            return k + 1
    return None


def as_format(fmt, col, v):
    """The logical value v of column col as fmt stores it (logical again for
    numbers; text as the reader returns it)."""
    kind, it, _ = col
    if fmt in ("sav", "dta"):
        if kind == "choice":
            return None if v is None else choice_code(it, v)
        if kind == "fixed" and it == "date" and v is not None:
            # A date variable: SPSS seconds since 1582-10-14, Stata days since 1960-01-01.
            day = datetime.date.fromisoformat(v)
            if fmt == "sav":
                return float((day - datetime.date(1582, 10, 14)).days * 86400)
            return float((day - datetime.date(1960, 1, 1)).days)
        if v == "na":
            return NA_SAV if fmt == "sav" else ".a"
        return v
    if fmt == "csv" and isinstance(v, str) and v != "na" and formula_risk(v) and \
            not (kind == "fixed" and it in ("response_id", "submitted_at")):
        return "'" + v
    return v


def same(got, want):
    if want is None:
        return got is None or got == ""
    if isinstance(want, float) or (isinstance(want, int) and not isinstance(want, bool)):
        try:
            return close(float(got), float(want))
        except (TypeError, ValueError):
            return False
    return got == want


def compare(what, fmt, cols, want_rows, names, got_rows):
    """got_rows: lists in column order (already decoded by the reader)."""
    bad = []
    if len(got_rows) != len(want_rows):
        return say(False, what + ": row count", "%d rows, the database has %d" % (len(got_rows), len(want_rows)))
    for i, (g, w) in enumerate(zip(got_rows, want_rows)):
        if len(g) != len(cols):
            bad.append("row %d has %d cells" % (i + 1, len(g)))
            continue
        for c, col in enumerate(cols):
            want = as_format(fmt, col, w[c])
            if not same(g[c], want):
                bad.append("row %d %s: got %r, want %r" % (i + 1, names[c], g[c], want))
    return say(not bad, what + ": every value equals the database (%d rows x %d columns)" %
               (len(want_rows), len(cols)), "; ".join(bad[:5]))


def check_names(what, defn, cols, names):
    problems = []
    if len(names) != len(cols):
        problems.append("%d names for %d columns" % (len(names), len(cols)))
    for n in names:
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,31}", n) or n in RESERVED or re.match(r"str[0-9]", n):
            problems.append("bad name %r" % n)
    if len(set(names)) != len(names):
        problems.append("duplicate names")
    if defn["id"] != "names":
        want = [it if k in ("fixed", "stratum") else ("weight_" + it if k == "weight" else
                (it["id"] + "_" + it["options"][j]["value"].replace("-", "_") if k == "multi" else it["id"]))
                for k, it, j in cols]
        if names != want:
            problems.append("names %r, want %r" % (names, want))
    return say(not problems, what + ": variable names are valid SPSS/Stata names, unique, in order",
               "; ".join(problems[:5]))


def label_of(col, lang):
    kind, it, j = col
    if kind in ("fixed", "weight", "stratum", "name", "code"):
        return None
    t = it["text"][lang]
    if kind == "multi":
        t = t + ("：" if lang == "zh" else ": ") + it["options"][j]["text"][lang]
    return clean(t.encode())


def label_fits(got, want, max_chars, max_bytes):
    """got is want, or want cut to the limits and ending in an ellipsis."""
    if got == want:
        return len(want) <= max_chars and len(want.encode()) <= max_bytes
    return got.endswith("…") and want.startswith(got[:-1]) and len(got) <= max_chars and \
        len(got.encode()) <= max_bytes


# ---------------------------------------------------------------- readers

def read_csv(path):
    raw = open(path, "rb").read()
    text = raw.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return raw, rows[0], rows[1:]


def read_xlsx(path):
    wb = openpyxl.load_workbook(path)
    ws = wb["data"]
    cells = [[c for c in r] for r in ws.iter_rows()]
    names = [c.value for c in cells[0]]
    return wb, names, cells[1:]


def readstat_csv(path):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "x.csv")
        p = subprocess.run(["readstat", path, out], capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError("readstat: " + p.stderr.strip())
        with open(out, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        meta = os.path.join(d, "m.json")
        p = subprocess.run(["extract_metadata", path, meta], capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError("extract_metadata: " + p.stderr.strip()[-300:])
        return rows[0], rows[1:], json.load(open(meta, encoding="utf-8"))


def dta_byte_missing(path):
    """For each byte (int8) variable of a Stata 118 file, the cells holding
    an extended missing value (.a to .z): {variable: {row: ".a", ...}}."""
    b = open(path, "rb").read()
    assert b.startswith(b"<stata_dta><header><release>118</release><byteorder>LSF</byteorder><K>")
    p = b.index(b"<K>") + 3
    K = struct.unpack_from("<H", b, p)[0]
    N = struct.unpack_from("<Q", b, b.index(b"<N>") + 3)[0]
    m = b.index(b"<map>") + 5
    offs = struct.unpack_from("<14Q", b, m)
    types = struct.unpack_from("<%dH" % K, b, offs[2] + len(b"<variable_types>"))
    vn = offs[3] + len(b"<varnames>")
    names = [b[vn + 129 * k: vn + 129 * (k + 1)].split(b"\0")[0].decode() for k in range(K)]
    width = {65526: 8, 65527: 4, 65528: 4, 65529: 2, 65530: 1, 32768: 8}
    widths = [width.get(t, t) for t in types]
    rowlen = sum(widths)
    data = offs[9] + len(b"<data>")
    out = {}
    for k in range(K):
        if types[k] != 65530:
            continue
        at = sum(widths[:k])
        cells = {}
        for i in range(N):
            v = struct.unpack_from("<b", b, data + i * rowlen + at)[0]
            if v > 101:  # 101 is ".", read as missing already
                cells[i] = "." + chr(ord("a") + v - 102)
        out[names[k]] = cells
    return out


# ---------------------------------------------------------------- the checks

secrets = [s.strip() for s in open(SECRETS, encoding="utf-8") if s.strip()]


def secret_free(what, blobs):
    leaks = []
    for s in secrets:
        if s.startswith("hex:"):
            h = s[4:]
            pats = [h.lower().encode(), h.upper().encode(), bytes.fromhex(h)]
        elif s.isdigit():
            pats = [re.compile(rb"(?<![0-9.])" + s.encode() + rb"(?![0-9])")]
        else:
            pats = [s.encode()]
        for blob in blobs:
            for p in pats:
                if (p.search(blob) if hasattr(p, "search") else p in blob):
                    leaks.append(s[:24])
    return say(not leaks, what + ": no token, key, encounter id, internal id or hash in it",
               "found " + ", ".join(sorted(set(leaks))[:5]))


for survey in SURVEYS:
    defn, cols, want = expected(survey)
    for lang in LANGS:
        base = os.path.join(OUT, "%s.%s." % (survey, lang))
        tag = "%s %s" % (survey, lang)

        # CSV
        raw, names, rows = read_csv(base + "csv")
        say(not raw.startswith(b"\xef\xbb\xbf"), tag + " csv: no byte order mark unless asked")
        say(raw.endswith(b"\r\n") and raw.count(b"\r\n") >= len(want) + 1,
            tag + " csv: CRLF line ends (RFC 4180)")
        check_names(tag + " csv", defn, cols, names)
        compare(tag + " csv", "csv", cols, want, names, rows)
        secret_free(tag + " csv", [raw])
        if lang == "zh":
            bom = open(os.path.join(OUT, survey + ".bom.csv"), "rb").read()
            say(bom == b"\xef\xbb\xbf" + raw, tag + " csv --bom: a UTF-8 byte order mark, then the same bytes")

        # JSON and NDJSON
        rawj = open(base + "json", "rb").read()
        arr = json.loads(rawj)
        say(isinstance(arr, list) and all(list(o.keys()) == names for o in arr),
            tag + " json: an array of objects with the columns in order")
        compare(tag + " json", "json", cols, want, names, [[o[n] for n in names] for o in arr])
        rawn = open(base + "ndjson", "rb").read()
        lines = rawn.decode().split("\n")
        say(lines[-1] == "" and all(l for l in lines[:-1]), tag + " ndjson: one object per line")
        objs = [json.loads(l) for l in lines[:-1]]
        say(objs == arr, tag + " ndjson: the same objects as json")
        secret_free(tag + " json/ndjson", [rawj, rawn])

        # XLSX
        wb, xnames, xrows = read_xlsx(base + "xlsx")
        xcols, names_x, xwant = with_registry("xlsx", lang, cols, names, want)
        say(xnames == names_x, tag + " xlsx: the header row has the csv's names, and agency_name, "
            "domain_name after agency, domain", "%r" % xnames[:8])
        compare(tag + " xlsx", "xlsx", xcols, xwant, names_x, [[c.value for c in r] for r in xrows])
        hostile = [c for r in xrows for c in r if isinstance(c.value, str) and formula_risk(c.value)]
        say(all(c.data_type == "s" for c in hostile) and
            not any(c.data_type == "f" for r in xrows for c in r),
            tag + " xlsx: text that looks like a formula is a string cell, never a formula (%d cells)" % len(hostile))
        cb = [[c.value for c in r] for r in wb["codebook"].iter_rows()]
        problems = []
        if cb[0] != ["variable", "label", "type", "values"]:
            problems.append("codebook header %r" % cb[0])
        for (name, label, typ, values), col in zip(cb[1:], xcols):
            if col[0] == "fixed" and col[1] in ("agency", "domain") and any(
                    "%s = %s" % (c, n) not in (values or "") for c, n in registry(col[1], lang)):
                problems.append("%s values %r: not every registry name" % (name, values))
            if label_of(col, lang) is not None and label != label_of(col, lang):
                problems.append("%s label %r" % (name, label))
            want_type = "integer (or na)" if col[0] == "scale" and col[1].get("allow_na") else None
            if want_type is not None and typ != want_type:
                problems.append("%s type %r, want %r" % (name, typ, want_type))
            if col[0] == "scale" and not col[1].get("allow_na") and typ != "integer":
                problems.append("%s type %r, want 'integer'" % (name, typ))
            if col[0] == "scale":
                labs = defn["scale"]["labels"][lang]
                if any("%d = %s" % (k + 1, clean(l.encode())) not in (values or "") for k, l in enumerate(labs)):
                    problems.append("%s values %r" % (name, values))
            if col[0] == "choice" and any("%s = %s" % (o["value"], clean(o["text"][lang].encode())) not in (values or "")
                                          for o in col[1]["options"]):
                problems.append("%s values %r" % (name, values))
        say(not problems and len(cb) == len(xcols) + 1,
            tag + " xlsx codebook: every variable with its label, type and values", "; ".join(problems[:4]))
        with zipfile.ZipFile(base + "xlsx") as z:
            secret_free(tag + " xlsx", [z.read(n) for n in z.namelist()])

        # SPSS and Stata
        for fmt in ("sav", "dta"):
            path = base + fmt
            try:
                snames, srows, meta = readstat_csv(path)
            except Exception as e:  # noqa: BLE001 - reported as a failure
                say(False, tag + " " + fmt + ": readstat reads it", e)
                continue
            say(True, tag + " " + fmt + ": readstat reads it")
            fcols, names_f, fwant = with_registry(fmt, lang, cols, names, want)
            say(snames == names_f, tag + " " + fmt + ": the csv's variable names, and agency_code, "
                "domain_code after agency, domain", "%r" % snames[:8])
            got = [[None if v == "" else v for v in r] for r in srows]
            if fmt == "dta":
                ext = dta_byte_missing(path)
                for c, n in enumerate(names_f):
                    for i, v in ext.get(n, {}).items():
                        got[i][c] = v
            compare(tag + " " + fmt, fmt, fcols, fwant, names_f, got)
            var = {v["name"]: v for v in meta["variables"]}
            problems = []
            for n, col in zip(names_f, fcols):
                v = var.get(n, {})
                lab = label_of(col, lang)
                if lab is not None:
                    lim = (10 ** 9, 255) if fmt == "sav" else (80, 320)
                    if not label_fits(v.get("label", ""), lab, *lim):
                        problems.append("%s label %r" % (n, v.get("label")))
                cats = {str(c["code"]).rstrip("0").rstrip(".") if isinstance(c["code"], float) else str(c["code"]):
                        c["label"] for c in v.get("categories", [])}
                if col[0] == "scale":
                    for k, l in enumerate(defn["scale"]["labels"][lang]):
                        if cats.get(str(k + 1)) != clean(l.encode()):
                            problems.append("%s value %d labelled %r" % (n, k + 1, cats.get(str(k + 1))))
                    na_code = "99" if fmt == "sav" else ".a"
                    if col[1].get("allow_na") and na_code not in cats:
                        problems.append("%s: no label for %s" % (n, na_code))
                    if not col[1].get("allow_na") and na_code in cats:
                        problems.append("%s: labels %s though the item has no not applicable" % (n, na_code))
                    if fmt == "sav" and col[1].get("allow_na") and v.get("missing", {}).get("values") != [99]:
                        problems.append("%s: 99 is not user-missing" % n)
                if col[0] == "choice":
                    for k, o in enumerate(col[1]["options"]):
                        if cats.get(str(k + 1)) != clean(o["text"][lang].encode()):
                            problems.append("%s value %d labelled %r" % (n, k + 1, cats.get(str(k + 1))))
                if col[0] == "multi" and sorted(cats) != ["0", "1"]:
                    problems.append("%s categories %r" % (n, cats))
                if col[0] == "code":
                    for k, (code, name) in enumerate(col[2]):
                        lim = (10 ** 9, 120) if fmt == "sav" else (32000, 32000)
                        if not label_fits(cats.get(str(k + 1)) or "", name, *lim):
                            problems.append("%s value %d (%s) labelled %r, want %r"
                                            % (n, k + 1, code, cats.get(str(k + 1)), name))
            say(not problems, tag + " " + fmt + ": variable labels (item texts) and value labels (%s)" % lang,
                "; ".join(problems[:4]))
            secret_free(tag + " " + fmt, [open(path, "rb").read(),
                                          "\n".join(",".join(r) for r in srows).encode()])

# Hostile text: what the checks above compared, said plainly.
defn, cols, want = expected("enforcement-enterprise")
_, names, rows = read_csv(os.path.join(OUT, "enforcement-enterprise.zh.csv"))
comment = names.index("comment")
texts = [r[comment] for r in rows]
say(any(t.startswith("'=HYPERLINK(") for t in texts) and not any(t.startswith("=") for t in texts),
    "csv: =HYPERLINK(...) reaches Excel as text behind an apostrophe")
say(any("<script>" in t for t in texts), "csv: HTML is kept as the text it is (a CSV is not a page)")
say(not any(re.search("[\u202a-\u202e\u2066-\u2069\u200e\u200f\x00-\x08\x0b-\x1f\x7f-\x9f]", t) for t in texts),
    "csv: no control character or bidirectional mark survives")
district = names.index("district")
say(any(r[district] == "'=1+1" for r in rows), "csv: a district starting with = is guarded too")
say(not any(r[0].startswith("'") for r in rows), "csv: response ids are never altered")

# The design columns an evaluator needs to reproduce the weights in SPSS or
# Stata (svyset _n [pw=weight_base], strata(agency) fpc(stratum_n)): with
# n_h the in-sample rows of agency h, weight_base = stratum_n / n_h.
for period, suffix in ((None, ".zh."), (("2022-01-01", "2022-06-30"), ".h1.")):
    _, names, rows = read_csv(os.path.join(OUT, "enforcement-enterprise" + suffix + "csv"))
    ix = {n: k for k, n in enumerate(names)}
    ins = [r for r in rows if r[ix["in_sample"]] == "1"]
    n_h = {}
    for r in ins:
        n_h[r[ix["agency"]]] = n_h.get(r[ix["agency"]], 0) + 1
    bad = [r[0] for r in ins if not close(float(r[ix["weight_base"]]) * n_h[r[ix["agency"]]],
                                          float(r[ix["stratum_n"]]))]
    say(ins and not bad and all(r[ix["stratum_n"]] == "" for r in rows if r[ix["in_sample"]] == "0"),
        "design%s: weight_base = stratum_n / n_h for each of %d sampled rows; stratum_n empty outside the sample"
        % (" " + "..".join(period) if period else "", len(ins)), "%r" % bad[:3])
    say(names[names.index("outcome") + 1: names.index("outcome") + 3] == ["date", "in_sample"] and
        names[-1] == "stratum_n" and names[-2] == "weight_rake",
        "design: date and in_sample follow outcome, stratum_n the weights", "%r" % names)
for lang in LANGS:
    for fmt in ("sav", "dta"):
        _, _, meta = readstat_csv(os.path.join(OUT, "enforcement-enterprise.%s.%s" % (lang, fmt)))
        var = {v["name"]: v for v in meta["variables"]}
        say(all(var.get(n, {}).get("label") for n in ("date", "in_sample", "stratum_n")) and
            sorted(str(c["code"])[:1] for c in var["in_sample"].get("categories", [])) == ["0", "1"],
            "design %s %s: date, in_sample and stratum_n are labelled, in_sample's values too" % (lang, fmt),
            "%r" % {n: var.get(n) for n in ("date", "in_sample", "stratum_n")})
        say(var["date"]["type"] == "NUMERIC" and var["date"].get("format") in ("DATE", "DATE_TIME"),
            "design %s %s: date is a date variable, not text" % (lang, fmt), "%r" % var["date"])
    wb = openpyxl.load_workbook(os.path.join(OUT, "enforcement-enterprise.%s.xlsx" % lang))
    cb = {r[0].value: [c.value for c in r] for r in wb["codebook"].iter_rows()}
    say(all(cb.get(n) and cb[n][1] for n in ("date", "in_sample", "stratum_n")),
        "design %s xlsx codebook: date, in_sample and stratum_n with their labels" % lang,
        "%r" % {n: cb.get(n) for n in ("date", "in_sample", "stratum_n")})

# Older versions: version 2 dropped the item disruption and the encounter
# type "other" and added the type "complaint".  The answers to version 1
# stay, in every format (the comparisons above), after the current items;
# the codes of current options are those of the current definition.
E = "enforcement-enterprise"
_, names, rows = read_csv(os.path.join(OUT, E + ".zh.csv"))
n_dis = con.execute("SELECT count(*) FROM answer a JOIN response r ON r.id = a.response_id"
                    " WHERE r.survey_id = ? AND a.item = 'disruption'", (E,)).fetchone()[0]
n_other = con.execute("SELECT count(*) FROM answer a JOIN response r ON r.id = a.response_id"
                      " WHERE r.survey_id = ? AND a.item = 'encounter_type' AND a.text = 'other'",
                      (E,)).fetchone()[0]
say("disruption" in names and names.index("disruption") == names.index("comment") + 1,
    "older versions: the item only version 1 has follows the current items", "%r" % names[-8:])
say(n_dis > 0 and "disruption" in names and
    sum(1 for r in rows if r[names.index("disruption")] != "") == n_dis,
    "older versions: every answer to the dropped item is in the csv (%d)" % n_dis)
say(n_other > 0 and sum(1 for r in rows if r[names.index("encounter_type")] == "other") == n_other,
    "older versions: every answer with the dropped option is in the csv (%d)" % n_other)
say(sorted({r[names.index("survey_version")] for r in rows}) == ["1", "2"],
    "older versions: the rows of both versions, each with its version")
for fmt in ("sav", "dta"):
    snames, srows, meta = readstat_csv(os.path.join(OUT, E + ".en." + fmt))
    cats = {str(c["code"]).rstrip("0").rstrip(".") if isinstance(c["code"], float) else str(c["code"]):
            c["label"] for v in meta["variables"] if v["name"] == "encounter_type"
            for c in v.get("categories", [])}
    say(cats.get("4") == "Complaint handling" and (cats.get("1") or "").startswith("Inspection") and
        cats.get("5") == "Other",
        "older versions %s: current options keep their codes (1-4), the dropped one follows (5)" % fmt,
        "%r" % cats)
    col = snames.index("encounter_type")
    say(sum(1 for r in srows if r[col] in ("5", "5.0", "5.000000")) == n_other,
        "older versions %s: the dropped option's answers carry its code" % fmt,
        "%r" % sorted({r[col] for r in srows}))

# A period: the rows dated within it, weighted to its own encounters (the
# weights of `manyi stats --from --to`), in csv, json and SPSS.
PERIOD = ("2022-01-01", "2022-06-30")
defn, cols, want = expected("enforcement-enterprise", PERIOD)
base = os.path.join(OUT, "enforcement-enterprise.h1.")
_, names, rows = read_csv(base + "csv")
say(0 < len(want) < len(expected("enforcement-enterprise")[2]), "period: some responses fall outside it")
compare("period csv", "csv", cols, want, names, rows)
arr = json.load(open(base + "json", encoding="utf-8"))
compare("period json", "json", cols, want, names, [[o[n] for n in names] for o in arr])
snames, srows, meta = readstat_csv(base + "sav")
scols, snames_want, swant = with_registry("sav", "zh", cols, names, want)
compare("period sav", "sav", scols, swant, snames_want, [[None if v == "" else v for v in r] for r in srows])
wcol = [names.index("weight_" + w) for w in WEIGHTINGS]
state = ["computed" if any(r[c] not in (None, 0.0) for r in want) else "empty" for c in wcol]
# The period must exercise the calibration, not only weight_none: base and
# rake are computed for it (the comparisons above hold them to the database).
say(state[WEIGHTINGS.index("base")] == "computed" and state[WEIGHTINGS.index("rake")] == "computed",
    "period weights are calibrated to the period: " +
    ", ".join("%s %s" % (w, s_) for w, s_ in zip(WEIGHTINGS, state)))
